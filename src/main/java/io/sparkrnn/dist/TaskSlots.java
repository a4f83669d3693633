package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many tasks the cluster runs at once: the number of replicas when master.replicas = 0. Each replica
 * must have a slot of its own, or tasks queue and a round takes twice as long.
 * <p>
 * {@code sc.defaultParallelism()} is not that number: on standalone, YARN and Kubernetes it is the executors'
 * total cores, whatever spark.task.cpus and spark.task.resource.gpu.amount say (4-core executors with one
 * GPU each give 4 per executor, not 1), and it is max(cores, 2) before the executors register. Spark's own
 * count of concurrent task slots, the one barrier scheduling checks, takes cpus and resources per task into
 * account; it is {@code private[spark]} in Scala but public in the bytecode, and its signature is pinned
 * with Spark's version in the pom.
 */
final class TaskSlots {
    private static final Logger LOG = LoggerFactory.getLogger(TaskSlots.class);

    private TaskSlots() { }

    /** master.replicas, or the task slots when it is 0. */
    static int replicas(RunConfig config, JavaSparkContext sc) {
        int configured = config.get(Options.REPLICAS);
        return configured > 0 ? configured : of(sc);
    }

    /** The registered executors' task slots; Spark's default parallelism when none has registered yet. */
    static int of(JavaSparkContext jsc) {
        SparkContext sc = jsc.sc();
        int slots = sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
        if (slots > 0) {
            LOG.info("{} task slots on the registered executors (spark.default.parallelism: {})", slots,
                    sc.defaultParallelism());
            return slots;
        }
        int fallback = sc.defaultParallelism();
        LOG.warn("no executor has registered yet, using {} replicas (spark.default.parallelism); set master.replicas, "
                + "or let Spark wait for the executors with spark.scheduler.minRegisteredResourcesRatio=1.0 "
                + "(and spark.cores.max on standalone)", fallback);
        return fallback;
    }
}
