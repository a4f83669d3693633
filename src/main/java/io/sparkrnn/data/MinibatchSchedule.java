package io.sparkrnn.data;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Which windows a replica trains on at each of its local steps: a pure function of (seed, partition, step),
 * so a retried Spark task, a resumed run and the first attempt all see the same minibatches. Each epoch over
 * the shard is a fresh seeded permutation.
 */
public final class MinibatchSchedule implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final int partition;
    private final int shardSize;
    private final int batchSize;
    private transient long cachedEpoch = -1;
    private transient int[] cachedPermutation;

    public MinibatchSchedule(long seed, int partition, int shardSize, int batchSize) {
        if (shardSize < 1) {
            throw new IllegalArgumentException("partition " + partition + " has no training windows");
        }
        this.seed = seed;
        this.partition = partition;
        this.shardSize = shardSize;
        this.batchSize = batchSize;
    }

    /** Window indices of local step {@code step} (0-based, counted over the whole run). */
    public int[] windowsOf(long step) {
        int[] windows = new int[batchSize];
        long first = step * batchSize;
        for (int i = 0; i < batchSize; i++) {
            long position = first + i;
            windows[i] = permutation(position / shardSize)[(int) (position % shardSize)];
        }
        return windows;
    }

    /** Passes over this shard completed before {@code step}. */
    public double epochAt(long step) {
        return (double) step * batchSize / shardSize;
    }

    private int[] permutation(long epoch) {
        if (epoch != cachedEpoch || cachedPermutation == null) {
            SplittableRandom random = new SplittableRandom(Hashing.derive(seed, partition, epoch));
            int[] order = new int[shardSize];
            for (int i = 0; i < shardSize; i++) {
                order[i] = i;
            }
            for (int i = shardSize - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            cachedPermutation = order;
            cachedEpoch = epoch;
        }
        return cachedPermutation;
    }
}
