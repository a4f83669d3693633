package io.sparkrnn.train;

import java.io.Serializable;

/**
 * What an evaluation measured: the loss, and for a classifier the confusion counts its accuracy and F1 come
 * from (null for a language model). Shards' results add up.
 */
public final class Validation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final LossSum loss;
    private final Confusion confusion;

    public Validation(LossSum loss, Confusion confusion) {
        this.loss = loss;
        this.confusion = confusion;
    }

    public static Validation zero() { return new Validation(LossSum.zero(), null); }

    public Validation plus(Validation other) {
        Confusion sum = confusion == null ? other.confusion
                : other.confusion == null ? confusion : confusion.plus(other.confusion);
        return new Validation(loss.plus(other.loss), sum);
    }

    public LossSum loss() { return loss; }

    /** Null for a language model. */
    public Confusion confusion() { return confusion; }

    public boolean isClassification() { return confusion != null; }

    public double accuracy() { return confusion == null ? Double.NaN : confusion.accuracy(); }

    public double macroF1() { return confusion == null ? Double.NaN : confusion.macroF1(); }
}
