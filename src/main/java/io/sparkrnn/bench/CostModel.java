package io.sparkrnn.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A round's master cost on a cluster: per-parameter CPU costs fitted to the local[2] scale runs of one set of options,
 * plus network terms at an assumed bandwidth. One replica per executor (R = E), one slice per replica (S = E):
 * <pre>
 *   round = broadcast: serialization on the driver (fitted, per byte) + B / bw (each executor fetches it once)
 *         + replica compute: kappa_map P (fitted: slope over R x 2 slots) + E tau (task launches)
 *         + aggregation: kappa_red P (fitted: each task sums E pieces of P/E values)
 *                        + W (E - 1) / E / bw (each executor's share of the shuffle crosses its link)
 *                        + D / bw (the sums into the driver's link)
 *         + master update: mu P (fitted)
 * </pre>
 * B, W and D are the broadcast, one replica's shuffle bytes and the driver's result bytes, per parameter as measured.
 * Ring all-reduce, for comparison, moves 2 (E - 1) / E x 4P bytes over each node's link (the gradient only).
 */
final class CostModel {
    /** Spark launches several hundred tasks a second from one driver: an assumption, not measured here. */
    static final double TASK_LAUNCH_SECONDS = 0.002;
    private static final double SLOTS = 2;

    private final String label;
    private final double parameters;
    private final double broadcastSecondsPerByte;
    private final double mapSecondsPerParameter;
    private final double reduceSecondsPerParameter;
    private final double updateSecondsPerParameter;
    private final double broadcastBytesPerParameter;
    private final double shuffleBytesPerParameter;
    private final double resultBytesPerParameter;

    private CostModel(String label, List<Map<String, Object>> runs) {
        this.label = label;
        this.parameters = number(runs.get(0), "parameters");
        double[] map = leastSquares(runs, "phase replica compute");
        double[] reduce = leastSquares(runs, "phase aggregation");
        this.mapSecondsPerParameter = SLOTS * map[1] / parameters;
        this.reduceSecondsPerParameter = SLOTS * reduce[1] / parameters;
        this.broadcastSecondsPerByte = mean(runs, r -> number(r, "phase broadcast") / number(r, "broadcastBytes"));
        this.updateSecondsPerParameter = mean(runs, r -> number(r, "phase master update") / parameters);
        this.broadcastBytesPerParameter = mean(runs, r -> number(r, "broadcastBytes") / parameters);
        this.shuffleBytesPerParameter = mean(runs, r -> number(r, "shuffleWriteBytes") / number(r, "replicas") / parameters);
        this.resultBytesPerParameter = mean(runs, r -> number(r, "driverResultBytes") / parameters);
    }

    /** Fitted to local[2] runs of one set of options at several replica counts. */
    static CostModel fit(String label, List<Map<String, Object>> localRuns) {
        return new CostModel(label, localRuns);
    }

    /** Seconds of one round's master work (everything but the replicas' own training) at this shape. */
    double round(double p, double executors, double gigabitsPerSecond) {
        double bytesPerSecond = gigabitsPerSecond * 1e9 / 8;
        double broadcast = broadcastBytesPerParameter * p;
        double shuffle = shuffleBytesPerParameter * p;
        return broadcast * broadcastSecondsPerByte + broadcast / bytesPerSecond
                + mapSecondsPerParameter * p + executors * TASK_LAUNCH_SECONDS
                + reduceSecondsPerParameter * p + shuffle * (executors - 1) / executors / bytesPerSecond
                + resultBytesPerParameter * p / bytesPerSecond + updateSecondsPerParameter * p;
    }

    /** The network part of {@link #round}: what a faster network can still remove. */
    double network(double p, double executors, double gigabitsPerSecond) {
        double bytesPerSecond = gigabitsPerSecond * 1e9 / 8;
        return (broadcastBytesPerParameter + shuffleBytesPerParameter * (executors - 1) / executors
                + resultBytesPerParameter) * p / bytesPerSecond;
    }

    static double ringAllReduce(double p, double executors, double gigabitsPerSecond) {
        return 2 * (executors - 1) / executors * 4 * p / (gigabitsPerSecond * 1e9 / 8);
    }

    String describe() {
        return String.format(Locale.ROOT, "%s: broadcast %.2f ns per byte on the driver; replica map side %.1f ns and "
                        + "aggregation %.1f ns per parameter per replica and core; master update %.1f ns per parameter; "
                        + "bytes per parameter: broadcast %.1f, shuffle per replica %.1f, into the driver %.1f", label,
                broadcastSecondsPerByte * 1e9, mapSecondsPerParameter * 1e9, reduceSecondsPerParameter * 1e9,
                updateSecondsPerParameter * 1e9, broadcastBytesPerParameter, shuffleBytesPerParameter,
                resultBytesPerParameter);
    }

    /** The extrapolation table for the default options and the lean ones. */
    static void print(BenchReport report, CostModel standard, CostModel lean) {
        report.line("Cost model fitted on local[2] (%.1f M parameters; task launch %.0f ms each, assumed):",
                standard.parameters / 1e6, TASK_LAUNCH_SECONDS * 1e3);
        report.line("- " + standard.describe());
        report.line("- " + lean.describe());
        report.line("");
        report.line("Extrapolated master seconds per round, one replica per executor (network part in brackets), "
                + "against ring all-reduce's network time 2(E-1)/E x 4P / bandwidth:");
        report.line("| parameters | executors | Gb/s | %s | %s | ring all-reduce |", standard.label, lean.label);
        report.line("|---|---|---|---|---|---|");
        for (double p : new double[] {21.4e6, 100e6}) {
            for (int e : new int[] {8, 64, 256}) {
                for (int gbps : new int[] {10, 25, 100}) {
                    report.line(String.format(Locale.ROOT, "| %.1f M | %d | %d | %.2f (%.2f) | %.2f (%.2f) | %.3f |",
                            p / 1e6, e, gbps, standard.round(p, e, gbps), standard.network(p, e, gbps),
                            lean.round(p, e, gbps), lean.network(p, e, gbps), ringAllReduce(p, e, gbps)));
                }
            }
        }
    }

    /** value = a + b x replicas, least squares. */
    static double[] leastSquares(List<Map<String, Object>> runs, String field) {
        double n = runs.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (Map<String, Object> r : runs) {
            double x = number(r, "replicas");
            double y = number(r, field);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return new double[] {(sy - b * sx) / n, b};
    }

    private static double mean(List<Map<String, Object>> runs, java.util.function.ToDoubleFunction<Map<String, Object>> f) {
        return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    static double number(Map<String, Object> r, String key) {
        Object v = r.get(key);
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }
}
