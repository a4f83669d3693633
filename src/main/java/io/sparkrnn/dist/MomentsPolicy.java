package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Driver side of {@code master.optimizerState}: whether a round's replicas send their optimizer moments to be
 * averaged, which moments go into the round's broadcast, and what the replica tasks are told about theirs.
 */
interface MomentsPolicy extends AutoCloseable {

    /** Whether round {@code round}'s replicas send their moments, to be averaged into the master state. */
    boolean shipsMoments(int round);

    /** The moments every replica loads from the round's broadcast (empty when they come from elsewhere). */
    float[] broadcastMoments(MasterState state);

    ReplicaMoments forRound(int round);

    /** After a round that completed; {@code shipped}: the state now holds the replicas' averaged moments. */
    void afterRound(MasterState state, boolean shipped);

    @Override
    void close();

    /**
     * @param averagings the rounds in which local moments are averaged: the checkpoint rounds, so that a checkpoint
     *     holds the very moments every replica continues from and a resume is exact
     */
    static MomentsPolicy from(RunConfig config, JavaSparkContext sc, RoundTrigger averagings, MasterState state) {
        return "local".equals(config.get(Options.OPTIMIZER_STATE)) ? new LocalMoments(sc, averagings, state)
                : new AveragedMoments();
    }
}
