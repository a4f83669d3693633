package io.sparkrnn.dist;

import org.apache.spark.TaskContext;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST-ONLY faults for replica tasks, so tests can show what a real failure does to a run. Inert unless a test
 * installs faults: nothing is installed by default, and production code never calls {@link #install}.
 *
 * <p>Faults are given as a spec string, installed by a test in this JVM ({@link #install}, enough for Spark local
 * mode) or read once from the system property {@value #PROPERTY} (for executor JVMs:
 * {@code spark.executor.extraJavaOptions=-Dio.sparkrnn.test.faults=...}; not "sparkrnn.": Spark refuses executor
 * options that start with "-Dspark"). Entries are separated by ';':
 * <ul>
 *   <li>{@code fail-task:ROUND:PARTITION:STEP} - the replica task of that round and partition throws before local
 *       step STEP on its first attempt (task and stage attempt 0), like an executor dying mid-round;</li>
 *   <li>{@code pause-task:ROUND:PARTITION:MILLIS} - the replica task of that round and partition sleeps before its
 *       first local step on its first attempt, so that a test can kill its executor JVM while it runs;</li>
 *   <li>{@code non-finite:ROUND:PARTITION:TIMES} - the replica reports a non-finite loss in its first TIMES
 *       executions of that round; PARTITION {@code *} means every partition.</li>
 *   <li>{@code fail-aggregation:ROUND:SLICE:0} - the aggregation task of that round and slice throws on its first
 *       attempt, after it has added the round's statistics to the accumulators (slice 0 adds them);</li>
 *   <li>{@code forget-moments:ROUND:PARTITION:0} - with {@code master.optimizerState = local}, the replica of that
 *       round and partition finds no moments of its own on its executor, as when Spark runs it on another one.</li>
 * </ul>
 */
public final class FaultInjection {
    public static final String PROPERTY = "io.sparkrnn.test.faults";

    private static final List<Fault> FAULTS = new CopyOnWriteArrayList<>(parse(System.getProperty(PROPERTY, "")));
    private static final Map<String, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();

    private FaultInjection() { }

    /** Replaces the installed faults (test code only); an empty spec removes them all. */
    public static void install(String spec) {
        EXECUTIONS.clear();
        FAULTS.clear();
        FAULTS.addAll(parse(spec));
    }

    /** Throws the injected task failure, or sleeps the injected pause, for this round, partition and local step. */
    static void beforeStep(int round, int partition, int step) {
        for (Fault f : FAULTS) {
            if (!firstAttempt() || !f.matches(round, partition)) {
                continue;
            }
            if (f.kind == Kind.FAIL_TASK && f.count == step) {
                throw new IllegalStateException("injected test fault: replica task of round " + round + ", partition "
                        + partition + " dies before local step " + step);
            }
            if (f.kind == Kind.PAUSE_TASK && step == 0) {
                pause(f.count);
            }
        }
    }

    /** Throws the injected failure of this round's aggregation task for {@code slice} on its first attempt. */
    static void afterAggregation(int round, int slice) {
        for (Fault f : FAULTS) {
            if (f.kind == Kind.FAIL_AGGREGATION && f.matches(round, slice) && firstAttempt()) {
                throw new IllegalStateException("injected test fault: aggregation task of round " + round + ", slice "
                        + slice + " dies after adding to the accumulators");
            }
        }
    }

    /** True if the replica of this round and partition must act as if its executor held none of its moments. */
    static boolean forgetsMoments(int round, int partition) {
        return FAULTS.stream().anyMatch(f -> f.kind == Kind.FORGET_MOMENTS && f.matches(round, partition));
    }

    /**
     * A lost executor can take cached windows with it: Spark then reruns the task in a new stage attempt, whose task
     * attempt numbers start at 0 again. Only the very first execution is faulty.
     */
    private static boolean firstAttempt() {
        TaskContext task = TaskContext.get();
        return task != null && task.attemptNumber() == 0 && task.stageAttemptNumber() == 0;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True if this execution of the round's replica must report a non-finite loss; counts the execution. */
    static boolean forcesNonFinite(int round, int partition) {
        for (Fault f : FAULTS) {
            if (f.kind == Kind.NON_FINITE && f.matches(round, partition)) {
                int execution = EXECUTIONS.computeIfAbsent(round + "/" + partition, k -> new AtomicInteger()).getAndIncrement();
                return execution < f.count;
            }
        }
        return false;
    }

    private static List<Fault> parse(String spec) {
        List<Fault> faults = new CopyOnWriteArrayList<>();
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] p = entry.trim().split(":");
            Kind kind = p.length == 4 ? Kind.named(p[0]) : null;
            if (kind == null) {
                throw new IllegalArgumentException("fault '" + entry + "' is not fail-task:ROUND:PARTITION:STEP, "
                        + "pause-task:ROUND:PARTITION:MILLIS, non-finite:ROUND:PARTITION|*:TIMES, "
                        + "fail-aggregation:ROUND:SLICE:0 or forget-moments:ROUND:PARTITION:0");
            }
            faults.add(new Fault(kind, Integer.parseInt(p[1]),
                    p[2].equals("*") ? -1 : Integer.parseInt(p[2]), Integer.parseInt(p[3])));
        }
        return faults;
    }

    private enum Kind {
        FAIL_TASK, PAUSE_TASK, NON_FINITE, FAIL_AGGREGATION, FORGET_MOMENTS;

        /** The kind spelled as in a spec (fail-task, non-finite, forget-moments...), or null. */
        static Kind named(String name) {
            for (Kind k : values()) {
                if (k.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    private static final class Fault {
        final Kind kind;
        final int round;
        final int partition;
        /** The step to fail before (FAIL_TASK), the pause in ms (PAUSE_TASK), or how many executions go non-finite. */
        final int count;

        Fault(Kind kind, int round, int partition, int count) {
            this.kind = kind;
            this.round = round;
            this.partition = partition;
            this.count = count;
        }

        boolean matches(int r, int p) {
            return round == r && (partition == -1 || partition == p);
        }
    }
}
