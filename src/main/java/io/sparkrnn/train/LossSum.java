package io.sparkrnn.train;

import java.io.Serializable;

/** Cross-entropy summed over tokens (nats), with the token count: the unit evaluation results add up in. */
public final class LossSum implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double LN2 = Math.log(2);

    private final double nats;
    private final long tokens;

    public LossSum(double nats, long tokens) {
        this.nats = nats;
        this.tokens = tokens;
    }

    public static LossSum zero() { return new LossSum(0, 0); }

    public LossSum plus(LossSum other) { return new LossSum(nats + other.nats, tokens + other.tokens); }

    public double nats() { return nats; }
    public long tokens() { return tokens; }

    /** Mean loss per token in nats; NaN when there were no tokens. */
    public double meanLoss() { return tokens == 0 ? Double.NaN : nats / tokens; }

    public double bitsPerToken() { return meanLoss() / LN2; }

    public double perplexity() { return Math.exp(meanLoss()); }
}
