package io.sparkrnn.metrics;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a training run shows in the Spark UI and learns from Spark about itself: every job of a round runs
 * under the run's job group with a description like {@code spark-rnn run-7 · round 12/400 · epoch 2.1 ·
 * loss 1.83} (the loss of the round before), and a listener collects the facts of the round's replica and
 * aggregation tasks.
 *
 * <p>Attach it on the thread that runs the jobs (job groups and local properties are per thread) and close it
 * at the end: the listener is removed and the caller's own job group (a notebook's, say) is put back. When
 * the caller already runs under a job group, its id is kept so that the caller can still cancel the run.
 */
public final class RoundMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoundMonitor.class);

    /** Local properties that tie a stage to this monitor, a round, a phase of the round and its shuffle. */
    static final String TOKEN_PROPERTY = "sparkrnn.monitor";
    static final String ROUND_PROPERTY = "sparkrnn.round";
    static final String PHASE_PROPERTY = "sparkrnn.phase";
    static final String SHUFFLE_PROPERTY = "sparkrnn.shuffle";
    static final String REPLICA_PHASE = "replica compute";
    static final String AGGREGATION_PHASE = "aggregation";

    // SparkContext.SPARK_JOB_GROUP_ID and friends: stable since Spark 1.x, but private[spark].
    private static final String JOB_GROUP_ID = "spark.jobGroup.id";
    private static final String JOB_DESCRIPTION = "spark.job.description";
    private static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";

    /** How long to wait for the listener to catch up at the end of a round before reporting what it has. */
    private static final long LISTENER_WAIT_SECONDS = 30;

    private final JavaSparkContext sc;
    private final String runId;
    private final String callerGroup;
    private final String callerDescription;
    private final boolean interruptOnCancel;
    private final String groupId;
    private final RoundTaskListener listener;

    private RoundMonitor(JavaSparkContext sc, String runId) {
        this.sc = sc;
        this.runId = runId;
        this.callerGroup = sc.getLocalProperty(JOB_GROUP_ID);
        this.callerDescription = sc.getLocalProperty(JOB_DESCRIPTION);
        this.interruptOnCancel = Boolean.parseBoolean(sc.getLocalProperty(INTERRUPT_ON_CANCEL));
        this.groupId = callerGroup != null ? callerGroup : "spark-rnn " + runId;
        String token = UUID.randomUUID().toString();
        this.listener = new RoundTaskListener(token);
        sc.setLocalProperty(TOKEN_PROPERTY, token);
        sc.sc().addSparkListener(listener);
    }

    public static RoundMonitor attach(JavaSparkContext sc, String runId) {
        return new RoundMonitor(sc, runId);
    }

    /** Labels the jobs that follow, outside the rounds: "spark-rnn run-7 · preparing the corpus". */
    public void describe(String activity) {
        sc.setLocalProperty(ROUND_PROPERTY, null);
        sc.setJobGroup(groupId, "spark-rnn " + runId + " · " + activity, interruptOnCancel);
    }

    /** Labels the jobs of {@code round}; {@code previous} is the last round's row (null before the first). */
    public void beginRound(int round, int rounds, MetricsRow previous) {
        sc.setLocalProperty(ROUND_PROPERTY, Integer.toString(round));
        sc.setJobGroup(groupId, description(runId, round, rounds, previous), interruptOnCancel);
    }

    /** The Jobs page text of a round's jobs. */
    static String description(String runId, int round, int rounds, MetricsRow previous) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "spark-rnn %s · round %d/%d", runId, round, rounds));
        if (previous != null) {
            text.append(String.format(Locale.ROOT, " · epoch %.1f", previous.number("epoch")));
            if (!Double.isNaN(previous.number("trainLoss"))) {
                text.append(String.format(Locale.ROOT, " · loss %.2f", previous.number("trainLoss")));
            }
        }
        return text.toString();
    }

    /**
     * Runs {@code job} as the round's replica phase: the listener counts the tasks of the map stage of shuffle
     * {@code shuffleId} as the round's replica tasks.
     */
    public static void replicaPhase(JavaSparkContext sc, int shuffleId, Runnable job) {
        phase(sc, REPLICA_PHASE, shuffleId, job);
    }

    /** Runs {@code job} as the round's aggregation phase: the listener counts its result stage's tasks. */
    public static void aggregationPhase(JavaSparkContext sc, int shuffleId, Runnable job) {
        phase(sc, AGGREGATION_PHASE, shuffleId, job);
    }

    private static void phase(JavaSparkContext sc, String phase, int shuffleId, Runnable job) {
        String outerPhase = sc.getLocalProperty(PHASE_PROPERTY);
        String outerShuffle = sc.getLocalProperty(SHUFFLE_PROPERTY);
        sc.setLocalProperty(PHASE_PROPERTY, phase);
        sc.setLocalProperty(SHUFFLE_PROPERTY, Integer.toString(shuffleId));
        try {
            job.run();
        } finally {
            sc.setLocalProperty(PHASE_PROPERTY, outerPhase);
            sc.setLocalProperty(SHUFFLE_PROPERTY, outerShuffle);
        }
    }

    /**
     * The task facts of {@code round}'s replica and aggregation stages. Listener events are delivered on another
     * thread, so this first waits until the listener has seen an event posted after every job of the round had ended.
     */
    public RoundFacts endRound(int round) {
        awaitListener();
        return listener.take(round);
    }

    /**
     * Spark posts an RDD's unpersist event on the calling thread, into the same ordered queue as the job and
     * task events that came before it; once the listener sees it, it has seen those too. An empty RDD that was
     * never persisted makes a marker that costs nothing and shows nowhere in the UI.
     */
    private void awaitListener() {
        JavaRDD<Object> marker = sc.emptyRDD();
        CountDownLatch seen = listener.expectMarker(marker.id());
        marker.unpersist(false);
        try {
            if (!seen.await(LISTENER_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("the Spark listener is more than {} s behind; this round's task facts may be incomplete "
                        + "(a busy listener bus; see spark.scheduler.listenerbus.eventqueue.capacity)", LISTENER_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the listener and gives the thread back its caller's job group and description. */
    @Override
    public void close() {
        sc.sc().removeSparkListener(listener);
        sc.setLocalProperty(TOKEN_PROPERTY, null);
        sc.setLocalProperty(ROUND_PROPERTY, null);
        if (callerGroup == null) {
            sc.clearJobGroup();
        } else {
            sc.setJobGroup(callerGroup, callerDescription, interruptOnCancel);
        }
        sc.setJobDescription(callerDescription);
    }
}
