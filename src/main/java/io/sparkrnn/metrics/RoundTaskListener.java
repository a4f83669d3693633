package io.sparkrnn.metrics;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerUnpersistRDD;
import org.apache.spark.scheduler.StageInfo;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Collects the task-end events of one monitor's rounds into {@link RoundFacts}: the tasks of the map stage of the
 * round's aggregation shuffle are its replica tasks (also when the aggregation job reruns them), the tasks of its
 * aggregation job's result stage its aggregation tasks. A stage belongs to a round when its job was submitted with
 * the monitor's local properties (see {@link RoundMonitor}); other stages those jobs run (a lost corpus partition
 * recomputed, say) are left out. Events arrive on Spark's listener thread, after the fact; {@link #expectMarker}
 * lets the driver find out when everything it caused so far has been seen.
 */
final class RoundTaskListener extends SparkListener {
    private final String token;
    private final Map<Integer, StageOf> stages = new ConcurrentHashMap<>();
    private final Map<Integer, RoundFacts> rounds = new ConcurrentHashMap<>();
    private final Map<Integer, CountDownLatch> markers = new ConcurrentHashMap<>();

    RoundTaskListener(String token) {
        this.token = token;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        Properties properties = event.properties();
        if (properties == null || !token.equals(properties.getProperty(RoundMonitor.TOKEN_PROPERTY))
                || properties.getProperty(RoundMonitor.SHUFFLE_PROPERTY) == null) {
            return;
        }
        int round = Integer.parseInt(properties.getProperty(RoundMonitor.ROUND_PROPERTY));
        int shuffle = Integer.parseInt(properties.getProperty(RoundMonitor.SHUFFLE_PROPERTY));
        StageInfo info = event.stageInfo();
        // shuffleDepId is private[spark] in Scala, public in the bytecode: pinned with Spark's version in the pom.
        boolean mapStage = info.shuffleDepId().isDefined();
        if (mapStage && (Integer) info.shuffleDepId().get() == shuffle) {
            stages.put(info.stageId(), new StageOf(round, true));
        } else if (!mapStage && RoundMonitor.AGGREGATION_PHASE.equals(properties.getProperty(RoundMonitor.PHASE_PROPERTY))) {
            stages.put(info.stageId(), new StageOf(round, false));
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        StageOf stage = stages.get(event.stageId());
        if (stage == null) {
            return;
        }
        RoundFacts facts = rounds.computeIfAbsent(stage.round, r -> new RoundFacts());
        (stage.replicas ? facts.replicas() : facts.aggregation()).add(event.taskInfo(), event.taskMetrics());
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

    /** Removes and returns what was collected for {@code round} (empty facts when no task ran). */
    RoundFacts take(int round) {
        stages.values().removeIf(s -> s.round == round);
        RoundFacts facts = rounds.remove(round);
        return facts == null ? new RoundFacts() : facts;
    }

    private static final class StageOf {
        final int round;
        /** The replica (map) stage; else the aggregation (result) stage. */
        final boolean replicas;

        StageOf(int round, boolean replicas) {
            this.round = round;
            this.replicas = replicas;
        }
    }
}
