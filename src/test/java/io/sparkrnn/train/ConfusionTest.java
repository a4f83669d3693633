package io.sparkrnn.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Accuracy, precision, recall and F1 from confusion counts, checked against values worked out by hand. */
class ConfusionTest {

    @Test
    void metricsOfAWorkedExample() {
        // actual 0: 3 right, 1 as label 1; actual 1: 2 right; actual 2: 1 as label 0, none right.
        Confusion c = new Confusion(3);
        for (int i = 0; i < 3; i++) {
            c.add(0, 0);
        }
        c.add(0, 1);
        c.add(1, 1);
        c.add(1, 1);
        c.add(2, 0);
        assertEquals(7, c.total());
        assertEquals(5.0 / 7, c.accuracy(), 1e-12);
        assertEquals(3.0 / 4, c.precision(0), 1e-12);
        assertEquals(3.0 / 4, c.recall(0), 1e-12);
        assertEquals(2.0 / 3, c.precision(1), 1e-12);
        assertEquals(1.0, c.recall(1), 1e-12);
        assertEquals(0.8, c.f1(1), 1e-12);
        assertEquals(0.0, c.f1(2), 1e-12); // never predicted, never right
        assertEquals((0.75 + 0.8 + 0.0) / 3, c.macroF1(), 1e-12);
    }

    @Test
    void shardResultsAddUp() {
        Confusion a = new Confusion(2);
        a.add(0, 0);
        Confusion b = new Confusion(2);
        b.add(1, 0);
        Validation sum = new Validation(new LossSum(1.0, 1), a).plus(new Validation(new LossSum(3.0, 1), b));
        assertEquals(2.0, sum.loss().meanLoss(), 1e-12);
        assertEquals(0.5, sum.accuracy(), 1e-12);
        assertTrue(Double.isNaN(new Confusion(2).accuracy()));
        assertNull(Validation.zero().plus(Validation.zero()).confusion());
        assertTrue(Double.isNaN(Validation.zero().accuracy()));
    }
}
