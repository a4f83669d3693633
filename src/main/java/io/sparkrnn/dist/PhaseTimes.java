package io.sparkrnn.dist;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall-clock seconds a round spent in each named phase, in the order they ran. */
public final class PhaseTimes {
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    /** Runs {@code phase} and records its duration under {@code name}. */
    public <T> T time(String name, java.util.function.Supplier<T> phase) {
        long start = System.nanoTime();
        try {
            return phase.get();
        } finally {
            seconds.merge(name, (System.nanoTime() - start) / 1e9, Double::sum);
        }
    }

    public void time(String name, Runnable phase) {
        time(name, () -> {
            phase.run();
            return null;
        });
    }

    public void add(String name, double value) {
        seconds.merge(name, value, Double::sum);
    }

    public Map<String, Double> asMap() { return seconds; }

    public double total() { return seconds.values().stream().mapToDouble(Double::doubleValue).sum(); }
}
