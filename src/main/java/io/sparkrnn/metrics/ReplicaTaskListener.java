package io.sparkrnn.metrics;

import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerUnpersistRDD;
import org.apache.spark.scheduler.TaskInfo;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Collects the task-end events of one monitor's replica stages into a {@link TaskFacts} per round. A stage
 * belongs to a round when its job was submitted with the monitor's local properties (see
 * {@link RoundMonitor}). Events arrive on Spark's listener thread, after the fact; {@link #expectMarker}
 * lets the driver find out when everything it caused so far has been seen.
 */
final class ReplicaTaskListener extends SparkListener {
    private final String token;
    private final Map<Integer, Integer> stageRounds = new ConcurrentHashMap<>();
    private final Map<Integer, TaskFacts> rounds = new ConcurrentHashMap<>();
    private final Map<Integer, CountDownLatch> markers = new ConcurrentHashMap<>();

    ReplicaTaskListener(String token) {
        this.token = token;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        Properties properties = event.properties();
        if (properties != null && token.equals(properties.getProperty(RoundMonitor.TOKEN_PROPERTY))
                && RoundMonitor.REPLICA_PHASE.equals(properties.getProperty(RoundMonitor.PHASE_PROPERTY))) {
            int round = Integer.parseInt(properties.getProperty(RoundMonitor.ROUND_PROPERTY));
            stageRounds.put(event.stageInfo().stageId(), round);
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        Integer round = stageRounds.get(event.stageId());
        if (round == null) {
            return;
        }
        TaskInfo info = event.taskInfo();
        TaskMetrics metrics = event.taskMetrics();
        boolean withMetrics = metrics != null;
        rounds.computeIfAbsent(round, r -> new TaskFacts()).add(info.successful(), info.duration() / 1e3,
                withMetrics ? metrics.executorRunTime() / 1e3 : 0,
                withMetrics ? metrics.executorCpuTime() / 1e9 : 0,
                withMetrics ? metrics.jvmGCTime() / 1e3 : 0,
                withMetrics ? metrics.executorDeserializeTime() / 1e3 : 0,
                withMetrics ? metrics.resultSize() : 0);
    }

    @Override
    public void onUnpersistRDD(SparkListenerUnpersistRDD event) {
        CountDownLatch marker = markers.remove(event.rddId());
        if (marker != null) {
            marker.countDown();
        }
    }

    /** Returns a latch that opens when the unpersist event of RDD {@code rddId} has been delivered here. */
    CountDownLatch expectMarker(int rddId) {
        CountDownLatch latch = new CountDownLatch(1);
        markers.put(rddId, latch);
        return latch;
    }

    /** Removes and returns what was collected for {@code round} (empty facts when no replica task ran). */
    TaskFacts take(int round) {
        stageRounds.values().removeIf(r -> r == round);
        TaskFacts facts = rounds.remove(round);
        return facts == null ? new TaskFacts() : facts;
    }
}
