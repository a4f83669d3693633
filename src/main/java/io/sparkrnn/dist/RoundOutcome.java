package io.sparkrnn.dist;

/** What one round did, for metrics and progress lines. */
public final class RoundOutcome {
    public final int round;
    public final double trainLoss;
    public final long tokens;
    /** Training windows (sequences) the kept replicas trained on. */
    public final long examples;
    public final int replicas;
    public final int nonFiniteReplicas;
    public final double gradNormMean;
    public final double gradNormMax;
    public final double clipRate;
    public final double updateNorm;
    public final double appliedUpdateNorm;
    public final double epoch;
    /** The slowest replica's own compute time, inside the "replica compute" phase. */
    public final double replicaComputeSeconds;
    public final PhaseTimes phases;
    /** The replicas' learning rate in this round (lower than configured after non-finite retries). */
    public final double learningRate;
    /** Replicas that started from the last averaged moments because their own were not on their executor. */
    public final int momentFallbacks;
    /** Parameters and moments in the round's broadcast, 4 bytes each. */
    public final long broadcastBytes;

    RoundOutcome(int round, ReplicaResult sum, double updateNorm, double appliedUpdateNorm, PhaseTimes phases,
                 double learningRate, long broadcastBytes) {
        this.round = round;
        this.trainLoss = sum.tokens == 0 ? Double.NaN : sum.lossSum / sum.tokens;
        this.tokens = sum.tokens;
        this.examples = sum.examples;
        this.replicas = sum.replicas;
        this.nonFiniteReplicas = sum.nonFiniteReplicas;
        this.gradNormMean = sum.steps == 0 ? Double.NaN : sum.gradNormSum / sum.steps;
        this.gradNormMax = sum.gradNormMax;
        this.clipRate = sum.steps == 0 ? 0 : (double) sum.clippedSteps / sum.steps;
        this.updateNorm = updateNorm;
        this.appliedUpdateNorm = appliedUpdateNorm;
        this.epoch = sum.maxEpoch;
        this.replicaComputeSeconds = sum.computeSeconds;
        this.phases = phases;
        this.learningRate = learningRate;
        this.momentFallbacks = sum.momentFallbacks;
        this.broadcastBytes = broadcastBytes;
    }
}
