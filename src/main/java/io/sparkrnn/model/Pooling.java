package io.sparkrnn.model;

import java.util.Locale;

/** What the model outputs: a softmax at every step (language model), or one per sequence after pooling. */
public enum Pooling {
    /** No pooling: a softmax over the vocabulary at every time step. */
    NONE,
    /** The encoder's output at each sequence's last unmasked step; a bidirectional one's at its first step too. */
    LAST,
    /** The mean of the encoder's outputs over each sequence's unmasked steps. */
    MEAN;

    public static Pooling parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
