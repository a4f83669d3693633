package io.sparkrnn.bench;

import java.util.Arrays;

/** Median and best of repeated measurements: the median resists a noisy neighbour, the best shows capability. */
final class Stats {
    private Stats() { }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static double best(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
