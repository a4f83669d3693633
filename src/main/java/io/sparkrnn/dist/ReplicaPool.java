package io.sparkrnn.dist;

import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.ReplicaTrainer;

import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Networks kept in the executor JVM across rounds, one per concurrently running task: building a DL4J graph
 * and its workspaces costs more than a short round. A task borrows one, loads the broadcast state into it
 * (copying, never sharing) and gives it back. Networks are kept per device: one built on GPU 0 is only
 * handed to a later task bound to GPU 0 (its arrays live there).
 */
final class ReplicaPool {
    private static final Map<Key, Queue<ReplicaTrainer>> IDLE = new ConcurrentHashMap<>();

    private ReplicaPool() { }

    /** A network for the current thread, which must already be bound to {@code device} ({@link TaskDevice}). */
    static ReplicaTrainer borrow(ModelSpec spec, double maxGradNorm, int seqLength, int device) {
        ReplicaTrainer trainer = IDLE.computeIfAbsent(new Key(spec, maxGradNorm, seqLength, device),
                k -> new ConcurrentLinkedQueue<>()).poll();
        return trainer != null ? trainer : new ReplicaTrainer(GraphFactory.build(spec), spec, maxGradNorm, seqLength);
    }

    static void giveBack(ReplicaTrainer trainer, double maxGradNorm, int seqLength, int device) {
        IDLE.computeIfAbsent(new Key(trainer.spec(), maxGradNorm, seqLength, device),
                k -> new ConcurrentLinkedQueue<>()).add(trainer);
    }

    private static final class Key {
        private final ModelSpec spec;
        private final double maxGradNorm;
        private final int seqLength;
        private final int device;

        Key(ModelSpec spec, double maxGradNorm, int seqLength, int device) {
            this.spec = spec;
            this.maxGradNorm = maxGradNorm;
            this.seqLength = seqLength;
            this.device = device;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return spec.equals(k.spec) && Double.compare(maxGradNorm, k.maxGradNorm) == 0 && seqLength == k.seqLength
                    && device == k.device;
        }

        @Override
        public int hashCode() { return Objects.hash(spec, maxGradNorm, seqLength, device); }
    }
}
