package io.sparkrnn.model;

/**
 * How a local step's gradient is limited (train.clipping). GLOBAL is ours (the train package's listener);
 * PER_LAYER is DL4J's own ClipL2PerLayer, kept so the exploding-gradient experiment can compare the two.
 */
public enum Clipping {
    GLOBAL("global"), PER_LAYER("perLayer"), NONE("none");

    private final String key;

    Clipping(String key) { this.key = key; }

    /** The train.clipping value; validated by the config, so anything else is a bug. */
    public static Clipping parse(String key) {
        for (Clipping clipping : values()) {
            if (clipping.key.equals(key)) {
                return clipping;
            }
        }
        throw new IllegalArgumentException("unknown clipping " + key + "; use global, perLayer or none");
    }

    @Override
    public String toString() { return key; }
}
