package io.sparkrnn.train;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class Nd4jThreadsTest {
    private final int before = Nd4j.factory().blas().getMaxThreads();

    @AfterEach
    void restore() {
        Nd4jThreads.use(before);
    }

    @Test
    void setsBlasAndMasterThreadsAndReportsOnlyChanges() {
        int loaded = Nd4j.getEnvironment().maxThreads();
        assertTrue(Nd4jThreads.use(before + 1));
        assertEquals(before + 1, Nd4j.factory().blas().getMaxThreads());
        // ND4J's own loop threads are fixed when it loads; the master count follows up to that.
        assertEquals(loaded, Nd4j.getEnvironment().maxThreads());
        assertEquals(Math.min(before + 1, loaded), Nd4j.getEnvironment().maxMasterThreads());
        assertFalse(Nd4jThreads.use(before + 1), "nothing changed, nothing to log");
        assertTrue(Nd4jThreads.describe().contains("OPENBLAS threads " + (before + 1)), Nd4jThreads.describe());
    }

    @Test
    void refusesLessThanOneThread() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Nd4jThreads.use(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }
}
