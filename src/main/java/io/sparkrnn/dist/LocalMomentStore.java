package io.sparkrnn.dist;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The optimizer moments each replica keeps in its executor JVM between rounds ({@code master.optimizerState =
 * local}), by round: a task of round r reads what round r-1 left and writes round r's. Round r-1's stay until round
 * r+1 writes, because Spark may run a task of round r again (a failed attempt, a speculative copy, a map output lost
 * before the round's aggregation read it) and that run must start from the same moments as the first.
 * One run at a time per JVM: the first task of another run drops the previous run's moments.
 */
final class LocalMomentStore {
    private static final Map<Integer, TreeMap<Integer, float[]>> BY_REPLICA = new HashMap<>();
    private static String run;

    private LocalMomentStore() { }

    /** What {@code replica} of {@code runKey} kept after {@code round}, or null when this JVM does not hold it. */
    static synchronized float[] get(String runKey, int replica, int round) {
        TreeMap<Integer, float[]> rounds = runKey.equals(run) ? BY_REPLICA.get(replica) : null;
        return rounds == null ? null : rounds.get(round);
    }

    /** Keeps {@code moments} (never changed afterwards) as what {@code replica} holds after {@code round}. */
    static synchronized void put(String runKey, int replica, int round, float[] moments) {
        if (!runKey.equals(run)) {
            BY_REPLICA.clear();
            run = runKey;
        }
        TreeMap<Integer, float[]> rounds = BY_REPLICA.computeIfAbsent(replica, r -> new TreeMap<>());
        rounds.put(round, moments);
        rounds.headMap(round - 1).clear();
    }

    /** Values held, for tests and logs. */
    static synchronized long values() {
        return BY_REPLICA.values().stream().flatMap(r -> r.values().stream()).mapToLong(m -> m.length).sum();
    }
}
