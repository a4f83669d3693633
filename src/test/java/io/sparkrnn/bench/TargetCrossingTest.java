package io.sparkrnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetCrossingTest {
    private static Map<String, Object> point(double tokens, double seconds, double bpc) {
        return Map.of("tokens", tokens, "seconds", seconds, "valBpc", bpc);
    }

    private final List<Map<String, Object>> curve = List.of(point(1000, 10, 4.0), point(2000, 30, 3.0),
            point(3000, 40, 2.5), point(4000, 60, 2.6));

    @Test
    void interpolatesBetweenTheValidationsAroundTheFirstCrossing() {
        assertEquals(1500, TargetCrossing.at(curve, "tokens", 3.5), 1e-9);
        assertEquals(20, TargetCrossing.at(curve, "seconds", 3.5), 1e-9);
        assertEquals(2000, TargetCrossing.at(curve, "tokens", 3.0), 1e-9, "a validation exactly at the target");
        assertEquals(2800, TargetCrossing.at(curve, "tokens", 2.6), 1e-9, "the first crossing, not the later one");
    }

    @Test
    void aCurveAlreadyAtTheTargetOrNeverReachingItHasNoInterpolation() {
        assertEquals(1000, TargetCrossing.at(curve, "tokens", 4.5), 1e-9);
        assertTrue(Double.isNaN(TargetCrossing.at(curve, "tokens", 2.4)));
        assertEquals(2.5, TargetCrossing.best(curve), 0);
    }

    @Test
    void replicaSettingsAreCountsOrCountsTimesCores() {
        ConvergenceSettings.Replicas two = ConvergenceSettings.Replicas.parse("2");
        assertEquals(2, two.replicas);
        assertEquals(1, two.coresPerReplica);
        ConvergenceSettings.Replicas oneOnTwo = ConvergenceSettings.Replicas.parse("1x2");
        assertEquals(1, oneOnTwo.replicas);
        assertEquals(2, oneOnTwo.coresPerReplica);
        assertEquals("R=1 x2 cores", oneOnTwo.label());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ConvergenceSettings.Replicas.parse("two"));
        assertTrue(bad.getMessage().contains("use R (R replicas of one core) or RxC"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvergenceSettings.Replicas.parse("0"));
    }
}
