package io.sparkrnn.metrics;

import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.TaskInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Spark measured of one stage's tasks in a round (the {@code tasks} and {@code aggregation} objects of a
 * metrics.jsonl row): how many ran, how long the slowest took against the typical one, where executor time went,
 * and the bytes they sent to the driver and through the shuffle. Collected by {@link RoundMonitor}'s listener.
 */
public final class TaskFacts {
    private int count;
    private int failed;
    private final List<Double> successfulSeconds = new ArrayList<>();
    private double executorRunSeconds;
    private double cpuSeconds;
    private double gcSeconds;
    private double deserializeSeconds;
    private long resultBytes;
    private long shuffleWriteBytes;
    private long shuffleReadBytes;

    /**
     * Adds one ended task attempt. A failed attempt adds no duration, and its metrics only when Spark has them
     * ({@code metrics} may be null).
     */
    synchronized void add(TaskInfo info, TaskMetrics metrics) {
        count++;
        if (info.successful()) {
            successfulSeconds.add(info.duration() / 1e3);
        } else {
            failed++;
        }
        if (metrics != null) {
            executorRunSeconds += metrics.executorRunTime() / 1e3;
            cpuSeconds += metrics.executorCpuTime() / 1e9;
            gcSeconds += metrics.jvmGCTime() / 1e3;
            deserializeSeconds += metrics.executorDeserializeTime() / 1e3;
            resultBytes += metrics.resultSize();
            shuffleWriteBytes += metrics.shuffleWriteMetrics().bytesWritten();
            shuffleReadBytes += metrics.shuffleReadMetrics().totalBytesRead();
        }
    }

    public synchronized int count() { return count; }
    public synchronized int failed() { return failed; }
    /** Serialized task results sent to the driver. */
    public synchronized long resultBytes() { return resultBytes; }
    public synchronized long shuffleWriteBytes() { return shuffleWriteBytes; }
    public synchronized long shuffleReadBytes() { return shuffleReadBytes; }

    /** The slowest successful task, launch to finish. */
    public synchronized double maxSeconds() {
        return successfulSeconds.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    public synchronized double medianSeconds() {
        if (successfulSeconds.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = successfulSeconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * Slowest over median task time: 1.0 when the replicas are balanced; a round waits for its slowest replica,
     * so 1.5 means a third of the round's task time was spent waiting for a straggler.
     */
    public double stragglerRatio() {
        return maxSeconds() / medianSeconds();
    }

    /** The metrics.jsonl representation; field names are documented in docs/MONITORING.md. */
    public synchronized Map<String, Object> asMap() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("count", count);
        fields.put("failed", failed);
        fields.put("maxSeconds", finiteOrNull(maxSeconds()));
        fields.put("medianSeconds", finiteOrNull(medianSeconds()));
        fields.put("stragglerRatio", finiteOrNull(stragglerRatio()));
        fields.put("executorRunSeconds", executorRunSeconds);
        fields.put("cpuSeconds", cpuSeconds);
        fields.put("gcSeconds", gcSeconds);
        fields.put("deserializeSeconds", deserializeSeconds);
        fields.put("resultBytes", resultBytes);
        fields.put("shuffleWriteBytes", shuffleWriteBytes);
        fields.put("shuffleReadBytes", shuffleReadBytes);
        return fields;
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
