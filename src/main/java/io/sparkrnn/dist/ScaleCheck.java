package io.sparkrnn.dist;

import io.sparkrnn.config.ExitCodes;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.bytedeco.javacpp.Pointer;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pre-flight check of a run's scale: before the first round, the bytes the {@link AggregationPlan} moves are
 * measured against what the Spark settings and JVMs allow (the driver's result limit, the driver's heap and ND4J
 * off-heap memory, the executors' heap, the disk the local shuffle writes to). Settings that cannot serve a round are
 * refused with exit code 2 and a message naming each limit, the need, what makes it up and what to change, instead
 * of a stack trace rounds later. The figures are estimates of the large arrays only, so each limit keeps a margin.
 */
final class ScaleCheck {
    /** Share of a JVM heap the estimated arrays may take; Spark's own structures and the GC need the rest. */
    static final double HEAP_SHARE = 0.8;
    /** Share of ND4J's off-heap limit (org.bytedeco.javacpp.maxbytes); workspaces are not estimated. */
    static final double OFF_HEAP_SHARE = 0.9;
    /** Share of the free space of the local shuffle directory one round's shuffle may take. */
    static final double DISK_SHARE = 0.9;
    /** Per slice result: the SummedSlice object around its arrays, and Spark's task result envelope. */
    static final long SLICE_RESULT_OVERHEAD = 4096;

    private ScaleCheck() { }

    /** What the settings and JVMs allow. */
    record Environment(boolean localMode, int taskSlots, long maxResultSize, long driverHeap, long driverOffHeap,
                       int executors, long executorHeap, String localDir, long localDirFree) {

        static Environment of(JavaSparkContext sc) {
            SparkConf conf = sc.getConf();
            int executors = Math.max(1, sc.sc().statusTracker().getExecutorInfos().length - (sc.isLocal() ? 0 : 1));
            File localDir = new File(localDirectory(conf));
            return new Environment(sc.isLocal(), TaskSlots.of(sc),
                    conf.getSizeAsBytes("spark.driver.maxResultSize", "1g"), Runtime.getRuntime().maxMemory(),
                    Pointer.maxBytes(), executors, conf.getSizeAsBytes("spark.executor.memory", "1g"),
                    localDir.getPath(), localDir.getUsableSpace());
        }

        /** Spark's own rule: SPARK_LOCAL_DIRS, else spark.local.dir, else java.io.tmpdir; the first of a list. */
        private static String localDirectory(SparkConf conf) {
            String dirs = System.getenv("SPARK_LOCAL_DIRS");
            if (dirs == null) {
                dirs = conf.get("spark.local.dir", System.getProperty("java.io.tmpdir"));
            }
            return dirs.split(",")[0];
        }

        int tasksPerExecutor() { return Math.max(1, taskSlots / executors); }

        int replicasPerExecutor(int replicas) { return (replicas + executors - 1) / executors; }
    }

    /** Throws a RunError (exit code 2) listing every limit the plan exceeds. */
    static void require(AggregationPlan plan, Environment env) {
        List<String> problems = problems(plan, env);
        if (!problems.isEmpty()) {
            throw new RunError(ExitCodes.CONFIG, "these settings cannot serve a round of " + plan.replicas
                    + " replicas of a " + String.format(Locale.ROOT, "%,d", plan.parameters) + "-parameter model, so "
                    + "nothing was trained:\n  - " + String.join("\n  - ", problems)
                    + "\nThe figures are estimates of the large arrays; docs/SCALING.md explains them.");
        }
    }

    static List<String> problems(AggregationPlan plan, Environment env) {
        List<String> problems = new ArrayList<>();
        long result = plan.largestDriverResultBytes() + plan.slices * SLICE_RESULT_OVERHEAD;
        if (env.maxResultSize() > 0 && result > env.maxResultSize()) {
            problems.add("the driver receives " + Bytes.format(result) + " per round (the summed update"
                    + (plan.moments > 0 ? " and, in rounds that average them, the summed optimizer moments" : "")
                    + "), above spark.driver.maxResultSize = " + Bytes.format(env.maxResultSize()) + ": raise it "
                    + "to at least " + megabytes(result) + "m (--conf spark.driver.maxResultSize=..., 0 = no limit)");
        }
        MemoryEstimate heap = driverHeap(plan, env);
        if (heap.total() > HEAP_SHARE * env.driverHeap()) {
            problems.add("the driver's heap needs about " + heap.describe() + ", more than "
                    + Math.round(HEAP_SHARE * 100) + "% of its " + Bytes.format(env.driverHeap()) + ": give the driver "
                    + "at least " + megabytes(heap.total() / HEAP_SHARE) + "m of heap (spark.driver.memory; "
                    + "deploy/sparkrnn: SPARKRNN_JAVA_OPTS=-Xmx...)"
                    + (env.localMode() ? ", or train fewer replicas (master.replicas): in local mode every replica "
                    + "runs in the driver's JVM" : ""));
        }
        MemoryEstimate offHeap = driverOffHeap(plan, env);
        if (offHeap.total() > OFF_HEAP_SHARE * env.driverOffHeap()) {
            problems.add("ND4J's off-heap memory on the driver needs about " + offHeap.describe() + ", more than "
                    + Math.round(OFF_HEAP_SHARE * 100) + "% of its limit " + Bytes.format(env.driverOffHeap())
                    + ": raise -Dorg.bytedeco.javacpp.maxbytes (and maxphysicalbytes) on the driver to at least "
                    + megabytes(offHeap.total() / OFF_HEAP_SHARE) + "m");
        }
        if (!env.localMode()) {
            MemoryEstimate executor = executorHeap(plan, env.tasksPerExecutor(), env.replicasPerExecutor(plan.replicas))
                    .add("broadcast (value and its pieces)", 2 * plan.broadcastBytes());
            if (executor.total() > HEAP_SHARE * env.executorHeap()) {
                problems.add("each executor's heap needs about " + executor.describe() + ", more than "
                        + Math.round(HEAP_SHARE * 100) + "% of spark.executor.memory = "
                        + Bytes.format(env.executorHeap()) + ": raise spark.executor.memory to at least "
                        + megabytes(executor.total() / HEAP_SHARE) + "m"
                        + (plan.localMoments ? ", or use master.optimizerState = average (kept moments take "
                        + Bytes.format(2 * 4 * plan.moments) + " per replica)" : ""));
            }
        }
        if (env.localMode() && plan.largestShuffleBytes() > DISK_SHARE * env.localDirFree()) {
            problems.add("a round writes " + Bytes.format(plan.largestShuffleBytes()) + " of shuffle files to "
                    + env.localDir() + ", which has " + Bytes.format(env.localDirFree()) + " free: point "
                    + "spark.local.dir (or SPARK_LOCAL_DIRS) at a larger disk, use master.deltaPrecision = bfloat16 "
                    + "or master.optimizerState = local (fewer bytes per replica), or train fewer replicas");
        }
        return problems;
    }

    /** The driver: the round's broadcast and its pieces, the summed vectors, and in local mode the executors' work. */
    static MemoryEstimate driverHeap(AggregationPlan plan, Environment env) {
        MemoryEstimate heap = new MemoryEstimate()
                .add("broadcast (value and its pieces)", 2 * plan.broadcastBytes())
                .add("summed update and moments", plan.largestDriverResultBytes())
                .add("one slice arriving", 2 * plan.largestDriverResultBytes() / plan.slices);
        if (plan.localMoments) {
            heap.add("shared moments broadcast", 2 * 4 * plan.moments);
        }
        if (env.localMode()) {
            heap.addAll(executorHeap(plan, env.taskSlots(), plan.replicas));
        }
        return heap;
    }

    /**
     * One executor running {@code tasks} tasks at once and hosting {@code replicas} replicas: a replica task holds its
     * update and moments as arrays plus one encoded slice; an aggregation task a slice's sums and one decoded piece;
     * with local moments, each hosted replica keeps two rounds of moments.
     */
    static MemoryEstimate executorHeap(AggregationPlan plan, int tasks, int replicas) {
        long slice = plan.replicaBytes(true) / plan.slices;
        long replicaTask = 4 * (plan.parameters + plan.moments) + slice;
        long aggregationTask = 2 * plan.largestDriverResultBytes() / plan.slices;
        MemoryEstimate heap = new MemoryEstimate()
                .add(tasks + " concurrent task(s)", tasks * Math.max(replicaTask, aggregationTask));
        if (plan.localMoments) {
            heap.add("kept moments of " + replicas + " replica(s), two rounds each", replicas * 2 * 4 * plan.moments);
        }
        return heap;
    }

    /**
     * ND4J arrays on the driver: its model (parameters, gradients, updater state), the master state, the averaged
     * update and the outer step's temporaries; in local mode also every running replica's network and copies.
     */
    static MemoryEstimate driverOffHeap(AggregationPlan plan, Environment env) {
        MemoryEstimate offHeap = new MemoryEstimate()
                .add("driver model, master state and update", 4 * (6 * plan.parameters + 3 * plan.moments));
        if (env.localMode()) {
            offHeap.add(env.taskSlots() + " replica network(s)", env.taskSlots() * 4 * (4 * plan.parameters + plan.moments));
        }
        return offHeap;
    }

    private static long megabytes(double bytes) {
        return (long) Math.ceil(bytes / (1 << 20));
    }
}
