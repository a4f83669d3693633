package io.sparkrnn.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaxAccumulatorTest {

    @Test
    void keepsTheLargestValueIgnoresNaNAndMergesCopies() {
        MaxAccumulator max = new MaxAccumulator();
        assertTrue(max.isZero());
        max.add(1.5);
        max.add(Double.NaN);
        max.add(0.5);
        assertEquals(1.5, max.value());

        MaxAccumulator task = (MaxAccumulator) max.copyAndReset();
        assertTrue(task.isZero(), "a task's copy starts empty");
        task.add(3.25);
        max.merge(task);
        assertEquals(3.25, max.value());
        max.merge(new MaxAccumulator());
        assertEquals(3.25, max.value(), "merging an empty copy changes nothing");

        MaxAccumulator copy = max.copy();
        max.reset();
        assertTrue(max.isZero());
        assertEquals(3.25, copy.value());
        assertThrows(UnsupportedOperationException.class, () -> copy.merge(new org.apache.spark.util.DoubleAccumulator()));
    }

    @Test
    void rendersAsAPlainNumberThroughStringValueOf() {
        // Spark's REST API shows an accumulator's value as String.valueOf(value()).
        MaxAccumulator max = new MaxAccumulator();
        assertEquals("NaN", String.valueOf(max.value()));
        max.add(3.25);
        assertEquals("3.25", String.valueOf(max.value()));
    }
}
