package io.sparkrnn.dist;

import java.io.Serializable;

/**
 * Executor side of {@code master.optimizerState}: which optimizer moments a replica task starts its round from,
 * what it keeps of them afterwards, and whether it sends them to be averaged.
 */
interface ReplicaMoments extends Serializable {
    /** master.optimizerState = average: every replica starts from the broadcast average and sends its moments back. */
    ReplicaMoments AVERAGED = new Averaged();

    /** The moments replica {@code replica} starts {@code round} from (an empty array for a stateless updater). */
    Start start(int replica, RoundInput round);

    /**
     * The replica's moments after {@code round}: what it trained to, or, if it went non-finite, what it started
     * from (its update is dropped, so the round did not happen for it).
     */
    void keep(int replica, int round, float[] moments);

    /** Whether the replicas send their moments with their updates this round. */
    boolean shipped();

    /** @param fallback the replica's own moments were not on its executor, so it started from the last shared ones */
    record Start(float[] moments, boolean fallback) { }

    final class Averaged implements ReplicaMoments {
        private static final long serialVersionUID = 1L;

        @Override
        public Start start(int replica, RoundInput round) { return new Start(round.updaterState, false); }

        @Override
        public void keep(int replica, int round, float[] moments) { }

        @Override
        public boolean shipped() { return true; }
    }
}
