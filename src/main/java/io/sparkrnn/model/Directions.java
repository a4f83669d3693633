package io.sparkrnn.model;

import java.util.Locale;

/**
 * Whether each recurrent layer reads the sequence forwards only or both ways, and how a bidirectional layer
 * merges its two directions (DL4J's {@code Bidirectional} wrapper).
 */
public enum Directions {
    FORWARD,
    /** Forward and backward outputs side by side: the layer's output is twice the hidden size. */
    CONCAT,
    /** Forward plus backward output: the layer's output keeps the hidden size. */
    ADD;

    public boolean bidirectional() { return this != FORWARD; }

    /** Recurrent passes per layer, for FLOP counts. */
    public int passes() { return bidirectional() ? 2 : 1; }

    public int outputSize(int hiddenSize) { return this == CONCAT ? 2 * hiddenSize : hiddenSize; }

    /** From {@code model.bidirectional} and {@code model.bidirectionalMerge}. */
    public static Directions of(boolean bidirectional, String merge) {
        return bidirectional ? valueOf(merge.toUpperCase(Locale.ROOT)) : FORWARD;
    }
}
