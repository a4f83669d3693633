package io.sparkrnn.metrics;

import org.apache.spark.util.AccumulatorV2;

/**
 * The largest value added, for statistics where a sum hides the one bad replica (the largest pre-clip gradient
 * norm of a round). Spark's REST API shows an accumulator as {@code String.valueOf(value())}, so the value is a
 * plain boxed {@link Double}: "3.25" on the Stages page, and "NaN" while nothing was added.
 */
public final class MaxAccumulator extends AccumulatorV2<Double, Double> {
    private static final long serialVersionUID = 1L;

    /** NaN until the first value arrives, so that "nothing seen" and "seen 0" differ. */
    private double max = Double.NaN;

    @Override
    public boolean isZero() {
        return Double.isNaN(max);
    }

    @Override
    public MaxAccumulator copy() {
        MaxAccumulator copy = new MaxAccumulator();
        copy.max = max;
        return copy;
    }

    @Override
    public void reset() {
        max = Double.NaN;
    }

    /** Ignores NaN, which would otherwise erase every other value. */
    @Override
    public void add(Double value) {
        add(value.doubleValue());
    }

    public void add(double value) {
        if (!Double.isNaN(value)) {
            max = Double.isNaN(max) ? value : Math.max(max, value);
        }
    }

    @Override
    public void merge(AccumulatorV2<Double, Double> other) {
        if (!(other instanceof MaxAccumulator)) {
            throw new UnsupportedOperationException("cannot merge " + getClass().getSimpleName() + " with "
                    + other.getClass().getSimpleName());
        }
        add(((MaxAccumulator) other).max);
    }

    @Override
    public Double value() {
        return max;
    }
}
