package io.sparkrnn.dist;

import io.sparkrnn.train.Nd4jThreads;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a replica task as many ND4J threads as Spark gave it cores ({@code spark.task.cpus}), and logs the choice
 * whenever it changes (normally once per executor JVM).
 */
final class ReplicaThreads {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaThreads.class);

    private ReplicaThreads() { }

    static void applyForCurrentTask() {
        TaskContext task = TaskContext.get();
        int cores = task == null ? 1 : task.cpus();
        if (Nd4jThreads.use(cores)) {
            LOG.info("replica tasks get spark.task.cpus = {} core(s): {}", cores, Nd4jThreads.describe());
        }
    }
}
