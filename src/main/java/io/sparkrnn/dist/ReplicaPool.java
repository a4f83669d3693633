package io.sparkrnn.dist;

import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.ReplicaTrainer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Networks kept in the executor JVM across rounds, one per concurrently running task: building a DL4J graph
 * and its workspaces costs more than a short round. A task borrows one, loads the broadcast state into it
 * (copying, never sharing) and gives it back. Networks are kept per device: one built on GPU 0 is only
 * handed to a later task bound to GPU 0 (its arrays live there).
 * <p>
 * The pool is bounded: a JVM that outlives its runs (a Zeppelin interpreter, the experiments, local mode) would
 * otherwise keep a network of every model it ever trained. At most {@link #maxIdle()} networks wait, one per task
 * slot the JVM can run at once; beyond that, the networks of the model shapes used least recently go first.
 */
final class ReplicaPool {
    /** Idle networks by model, least recently used first (access order). */
    private static final LinkedHashMap<Key, Deque<ReplicaTrainer>> IDLE = new LinkedHashMap<>(16, 0.75f, true);
    private static final int MAX_IDLE = Math.max(2, Runtime.getRuntime().availableProcessors());

    private ReplicaPool() { }

    /** A network for the current thread, which must already be bound to {@code device} ({@link TaskDevice}). */
    static ReplicaTrainer borrow(ModelSpec spec, double maxGradNorm, int seqLength, int device) {
        ReplicaTrainer trainer = take(new Key(spec, maxGradNorm, seqLength, device));
        return trainer != null ? trainer : new ReplicaTrainer(GraphFactory.build(spec), spec, maxGradNorm, seqLength);
    }

    static void giveBack(ReplicaTrainer trainer, double maxGradNorm, int seqLength, int device) {
        Key key = new Key(trainer.spec(), maxGradNorm, seqLength, device);
        synchronized (IDLE) {
            IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).push(trainer);
            evictBeyond(MAX_IDLE);
        }
    }

    private static ReplicaTrainer take(Key key) {
        synchronized (IDLE) {
            Deque<ReplicaTrainer> idle = IDLE.get(key);
            return idle == null ? null : idle.poll();
        }
    }

    /** Drops idle networks, those of the least recently used model first, until at most {@code limit} remain. */
    private static void evictBeyond(int limit) {
        int excess = idleNetworks() - limit;
        for (Iterator<Deque<ReplicaTrainer>> models = IDLE.values().iterator(); excess > 0 && models.hasNext(); ) {
            Deque<ReplicaTrainer> idle = models.next();
            while (excess > 0 && !idle.isEmpty()) {
                idle.removeLast(); // its arrays are freed with it (garbage collection, JavaCPP's deallocator)
                excess--;
            }
            if (idle.isEmpty()) {
                models.remove();
            }
        }
    }

    /** The most networks the pool keeps waiting. */
    static int maxIdle() { return MAX_IDLE; }

    /** Networks waiting now, over all models and devices. */
    static int idleNetworks() {
        synchronized (IDLE) {
            return IDLE.values().stream().mapToInt(Deque::size).sum();
        }
    }

    /** The models of the networks waiting now. */
    static Map<ModelSpec, Integer> idleByModel() {
        Map<ModelSpec, Integer> byModel = new LinkedHashMap<>();
        synchronized (IDLE) {
            IDLE.forEach((key, idle) -> byModel.merge(key.spec, idle.size(), Integer::sum));
        }
        return byModel;
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
