package io.sparkrnn.dist;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock seconds a round spent in each named phase, in the order they ran. Safe to add to from Spark's
 * scheduler thread (where results are folded) while the driver thread waits for the job.
 */
public final class PhaseTimes {
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    /** Runs {@code phase} and records its duration under {@code name}. */
    public <T> T time(String name, java.util.function.Supplier<T> phase) {
        long start = System.nanoTime();
        try {
            return phase.get();
        } finally {
            add(name, (System.nanoTime() - start) / 1e9);
        }
    }

    public void time(String name, Runnable phase) {
        time(name, () -> {
            phase.run();
            return null;
        });
    }

    public synchronized void add(String name, double value) {
        seconds.merge(name, value, Double::sum);
    }

    /** Seconds recorded under {@code name}, 0 when none. */
    public synchronized double seconds(String name) {
        return seconds.getOrDefault(name, 0.0);
    }

    public synchronized Map<String, Double> asMap() { return new LinkedHashMap<>(seconds); }

    public synchronized double total() { return seconds.values().stream().mapToDouble(Double::doubleValue).sum(); }
}
