package io.sparkrnn.train;

/** What one local step reports: summed loss (nats) over its tokens, and its gradient norm before clipping. */
public final class StepStats {
    private final double lossSum;
    private final long tokens;
    private final double gradNorm;
    private final boolean clipped;

    public StepStats(double lossSum, long tokens, double gradNorm, boolean clipped) {
        this.lossSum = lossSum;
        this.tokens = tokens;
        this.gradNorm = gradNorm;
        this.clipped = clipped;
    }

    public double lossSum() { return lossSum; }
    public long tokens() { return tokens; }
    public double gradNorm() { return gradNorm; }
    public boolean clipped() { return clipped; }
    public boolean finite() { return Double.isFinite(lossSum) && Double.isFinite(gradNorm); }
}
