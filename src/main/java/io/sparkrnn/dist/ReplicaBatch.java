package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;

/**
 * Windows per local step on each replica. With {@code train.batchScaling = divide}, R replicas share
 * {@code train.batchSize} (each takes its R-th, rounded up), so that one round of R replicas sees about the windows
 * one replica's round does: early in training a step's progress hardly grows with its batch, and more replicas then
 * buy speed only by making each step cheaper, not by making it larger.
 */
public final class ReplicaBatch {
    private ReplicaBatch() { }

    public static int size(RunConfig config, int replicas) {
        int batch = config.get(Options.BATCH_SIZE);
        return "divide".equals(config.get(Options.BATCH_SCALING)) ? (batch + replicas - 1) / replicas : batch;
    }
}
