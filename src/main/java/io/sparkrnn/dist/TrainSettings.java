package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;

import java.io.Serializable;

/** The per-replica training knobs a task needs, taken once from the config. */
final class TrainSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    final int batchSize;
    final int seqLength;
    final int localSteps;
    final double maxGradNorm;
    final long seed;
    /** How a task binds ND4J to the GPU Spark assigned it (see {@link TaskDevice}). */
    final DeviceBinder deviceBinder;

    TrainSettings(int batchSize, int seqLength, int localSteps, double maxGradNorm, long seed,
                  DeviceBinder deviceBinder) {
        this.batchSize = batchSize;
        this.seqLength = seqLength;
        this.localSteps = localSteps;
        this.maxGradNorm = maxGradNorm;
        this.seed = seed;
        this.deviceBinder = deviceBinder;
    }

    static TrainSettings from(RunConfig config) {
        return from(config, new Nd4jDeviceBinder());
    }

    /** The same settings with another per-replica minibatch size (see {@link ReplicaBatch}). */
    TrainSettings withBatchSize(int replicaBatchSize) {
        return new TrainSettings(replicaBatchSize, seqLength, localSteps, maxGradNorm, seed, deviceBinder);
    }

    static TrainSettings from(RunConfig config, DeviceBinder deviceBinder) {
        return new TrainSettings(config.get(Options.BATCH_SIZE), config.get(Options.SEQ_LENGTH),
                config.get(Options.AVERAGING_FREQUENCY), config.get(Options.MAX_GRAD_NORM), config.get(Options.SEED),
                deviceBinder);
    }
}
