package io.sparkrnn.metrics;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerUnpersistRDD;

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
        rounds.computeIfAbsent(round, r -> new TaskFacts()).add(event.taskInfo(), event.taskMetrics());
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
