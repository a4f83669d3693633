package io.sparkrnn.dist;

import io.sparkrnn.data.WindowShard;
import org.apache.spark.api.java.JavaRDD;

/**
 * The held-out windows (or examples), at most {@code eval.maxWindows} of them, dealt to one evaluation task per
 * replica, or to fewer tasks when there are fewer windows than replicas: unlike training, evaluation has no use
 * for one shard per replica, so a small {@code eval.maxWindows} or a small held-out part is evaluated on fewer
 * tasks rather than refused.
 */
final class ValidationShards {
    private final JavaRDD<WindowShard> shards;
    private final long windows;

    private ValidationShards(JavaRDD<WindowShard> shards, long windows) {
        this.shards = shards;
        this.windows = windows;
    }

    /** @param what "validation windows of N characters" and the like; {@code advice} ends the list of fixes */
    static ValidationShards deal(JavaRDD<int[]> heldOut, int windowLength, int replicas, long maxWindows, String what,
                                 String advice) {
        long windows = Math.min(heldOut.count(), maxWindows);
        if (windows == 0) {
            throw new CorpusError("the corpus gives no " + what + "; use a larger corpus or " + advice);
        }
        int tasks = (int) Math.min(replicas, windows);
        JavaRDD<WindowShard> shards = CorpusPipeline.shards(heldOut, windowLength, tasks, maxWindows);
        return CorpusPipeline.unpersistOnFailure(shards, () -> {
            shards.count(); // persisted now, while the caller still caches the corpus it was cut from
            return new ValidationShards(shards, windows);
        });
    }

    JavaRDD<WindowShard> shards() { return shards; }

    long windows() { return windows; }
}
