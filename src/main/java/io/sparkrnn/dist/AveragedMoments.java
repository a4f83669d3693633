package io.sparkrnn.dist;

/**
 * master.optimizerState = average: every round the replicas start from the master's averaged moments (broadcast
 * with the parameters) and send theirs back with their updates, to be averaged again: 8 bytes per parameter each
 * way per replica for Adam, on top of the update.
 */
final class AveragedMoments implements MomentsPolicy {
    @Override
    public boolean shipsMoments(int round) { return true; }

    @Override
    public float[] broadcastMoments(MasterState state) { return RoundInput.floats(state.updaterState()); }

    @Override
    public ReplicaMoments forRound(int round) { return ReplicaMoments.AVERAGED; }

    @Override
    public void afterRound(MasterState state, boolean shipped) { }

    @Override
    public void close() { }
}
