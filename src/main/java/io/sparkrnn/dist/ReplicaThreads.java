package io.sparkrnn.dist;

import io.sparkrnn.train.Nd4jThreads;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives a replica task as many BLAS threads as Spark gave it cores ({@code spark.task.cpus}; see
 * {@link Nd4jThreads}), and logs the choice the first time and whenever it changes (normally once per executor JVM).
 */
final class ReplicaThreads {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaThreads.class);
    private static final AtomicInteger LOGGED = new AtomicInteger(-1);

    private ReplicaThreads() { }

    static void applyForCurrentTask() {
        TaskContext task = TaskContext.get();
        int cores = task == null ? 1 : task.cpus();
        boolean changed = Nd4jThreads.use(cores);
        if (LOGGED.getAndSet(cores) != cores || changed) {
            LOG.info("replica tasks get spark.task.cpus = {} core(s): {}", cores, Nd4jThreads.describe());
        }
    }
}
