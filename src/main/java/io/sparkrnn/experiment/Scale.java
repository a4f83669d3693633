package io.sparkrnn.experiment;

/**
 * How big an experiment's runs are. FULL is what the results of docs/EXPERIMENTS.md come from; REDUCED is the smaller
 * version the tests run, still big enough to show the claim (each experiment states its thresholds there).
 */
public enum Scale {
    FULL, REDUCED;

    /** {@code full} at full scale, else {@code reduced}. */
    public int pick(int full, int reduced) {
        return this == FULL ? full : reduced;
    }
}
