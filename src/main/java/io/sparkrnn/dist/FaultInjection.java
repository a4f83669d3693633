package io.sparkrnn.dist;

import org.apache.spark.TaskContext;

import java.util.List;
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
 * {@code spark.executor.extraJavaOptions=-Dsparkrnn.test.faults=...}). Entries are separated by ';':
 * <ul>
 *   <li>{@code fail-task:ROUND:PARTITION:STEP} - the replica task of that round and partition throws before local
 *       step STEP on its first attempt (TaskContext.attemptNumber() == 0), like an executor dying mid-round;</li>
 *   <li>{@code non-finite:ROUND:PARTITION:TIMES} - the replica reports a non-finite loss in its first TIMES
 *       executions of that round; PARTITION {@code *} means every partition.</li>
 * </ul>
 */
public final class FaultInjection {
    public static final String PROPERTY = "sparkrnn.test.faults";

    private static final List<Fault> FAULTS = new CopyOnWriteArrayList<>(parse(System.getProperty(PROPERTY, "")));
    private static final Map<String, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();

    private FaultInjection() { }

    /** Replaces the installed faults (test code only); an empty spec removes them all. */
    public static void install(String spec) {
        EXECUTIONS.clear();
        FAULTS.clear();
        FAULTS.addAll(parse(spec));
    }

    /** Throws the injected task failure for this round, partition and local step, if one is installed. */
    static void beforeStep(int round, int partition, int step) {
        for (Fault f : FAULTS) {
            if (f.kind == Kind.FAIL_TASK && f.matches(round, partition) && f.count == step
                    && TaskContext.get() != null && TaskContext.get().attemptNumber() == 0) {
                throw new IllegalStateException("injected test fault: replica task of round " + round + ", partition "
                        + partition + " dies before local step " + step);
            }
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
            if (p.length != 4 || !(p[0].equals("fail-task") || p[0].equals("non-finite"))) {
                throw new IllegalArgumentException("fault '" + entry + "' is not fail-task:ROUND:PARTITION:STEP "
                        + "or non-finite:ROUND:PARTITION|*:TIMES");
            }
            faults.add(new Fault(p[0].equals("fail-task") ? Kind.FAIL_TASK : Kind.NON_FINITE, Integer.parseInt(p[1]),
                    p[2].equals("*") ? -1 : Integer.parseInt(p[2]), Integer.parseInt(p[3])));
        }
        return faults;
    }

    private enum Kind { FAIL_TASK, NON_FINITE }

    private static final class Fault {
        final Kind kind;
        final int round;
        final int partition;
        /** The step to fail before (FAIL_TASK), or how many executions go non-finite (NON_FINITE). */
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
