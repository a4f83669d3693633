package io.sparkrnn.data;

import java.io.Serializable;

/**
 * Decides, from a block's text alone, whether it is held out. A seeded 64-bit hash makes the split the same
 * on every run, every partitioning and every retry, so validation text is never trained on.
 */
public final class HeldOutSplit implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final double fraction;

    public HeldOutSplit(long seed, double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + fraction);
        }
        this.seed = seed;
        this.fraction = fraction;
    }

    public boolean isHeldOut(String block) {
        return unitInterval(Hashing.hash(block, seed)) < fraction;
    }

    private static double unitInterval(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }
}
