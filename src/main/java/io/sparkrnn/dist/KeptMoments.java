package io.sparkrnn.dist;

import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * master.optimizerState = local, on the executor: a replica starts from the moments it kept in this JVM after the
 * previous round ({@link LocalMomentStore}), or from the shared moments (the last average, a broadcast that executors
 * fetch only when they read it) in the round after they were averaged, or when its own are not here: Spark ran the
 * partition on another executor than last round's, or the executor was lost. That fallback is counted
 * ({@code momentFallbacks}); the run goes on, but no longer exactly as one without it.
 */
final class KeptMoments implements ReplicaMoments {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(KeptMoments.class);

    private final String run;
    private final Broadcast<float[]> shared;
    private final boolean fromShared;
    private final boolean ships;

    /**
     * @param run this run's key in the executors' stores
     * @param fromShared every replica starts from {@code shared}: the round right after an averaging (or the first)
     * @param ships the replicas send their moments this round, to be averaged
     */
    KeptMoments(String run, Broadcast<float[]> shared, boolean fromShared, boolean ships) {
        this.run = run;
        this.shared = shared;
        this.fromShared = fromShared;
        this.ships = ships;
    }

    @Override
    public Start start(int replica, RoundInput round) {
        if (fromShared) {
            return new Start(shared.value(), false);
        }
        float[] own = FaultInjection.forgetsMoments(round.round, replica) ? null
                : LocalMomentStore.get(run, replica, round.round - 1);
        if (own != null) {
            return new Start(own, false);
        }
        LOG.warn("round {} replica {}: its optimizer moments of round {} are not on this executor; it starts from the "
                + "last averaged moments instead", round.round, replica, round.round - 1);
        return new Start(shared.value(), true);
    }

    @Override
    public void keep(int replica, int round, float[] moments) {
        if (!ships) { // after a round that averages them, every replica starts from the shared average
            LocalMomentStore.put(run, replica, round, moments);
        }
    }

    @Override
    public boolean shipped() { return ships; }
}
