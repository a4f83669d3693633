package io.sparkrnn.dist;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.UUID;

/**
 * master.optimizerState = local, on the driver (DiLoCo keeps its inner optimizer state on the workers): the
 * replicas keep their own moments on their executors ({@link KeptMoments}) and send them only in the averaging
 * rounds; the average becomes the master state (what a checkpoint saves) and, as the shared moments, what every
 * replica starts the next round from. The shared moments are one long-lived broadcast, replaced after each averaging:
 * executors fetch it only when a replica reads it (the round after an averaging, or a fallback).
 */
final class LocalMoments implements MomentsPolicy {
    private final JavaSparkContext sc;
    private final RoundTrigger averagings;
    private final String run = UUID.randomUUID().toString();
    private Broadcast<float[]> shared;
    private int sharedAfterRound;

    LocalMoments(JavaSparkContext sc, RoundTrigger averagings, MasterState state) {
        this.sc = sc;
        this.averagings = averagings;
        share(state);
    }

    @Override
    public boolean shipsMoments(int round) { return averagings.firesAt(round); }

    @Override
    public float[] broadcastMoments(MasterState state) { return new float[0]; }

    @Override
    public ReplicaMoments forRound(int round) {
        return new KeptMoments(run, shared, round - 1 == sharedAfterRound, shipsMoments(round));
    }

    @Override
    public void afterRound(MasterState state, boolean shipped) {
        if (shipped) {
            share(state);
        }
    }

    /** The moments of a fresh, resumed or just averaged state become what the replicas start from. */
    private void share(MasterState state) {
        close();
        shared = sc.broadcast(RoundInput.floats(state.updaterState()));
        sharedAfterRound = state.round();
    }

    @Override
    public void close() {
        if (shared != null) {
            shared.destroy();
            shared = null;
        }
    }
}
