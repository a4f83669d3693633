package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;

/**
 * The replicas' learning rate in a round, as a pure function of the replica count and the local steps taken (so a
 * resume continues it exactly): {@code train.learningRate}, scaled with the replica count as
 * {@code train.lrScaling} says, times a linear warm-up over {@code train.warmupSteps}. Averaging R replicas' Adam
 * updates gives a step about as long as one replica's while it trained on R times the tokens; scaling the rate makes
 * that step longer, which pays only where steps are too short rather than too few (on the quick-start model early in
 * training they were too few: docs/PERFORMANCE.md, "Convergence").
 */
final class LearningRateSchedule {
    private final double peak;
    private final long warmupSteps;

    LearningRateSchedule(double peak, long warmupSteps) {
        this.peak = peak;
        this.warmupSteps = warmupSteps;
    }

    static LearningRateSchedule from(RunConfig config, int replicas) {
        return new LearningRateSchedule(config.get(Options.LEARNING_RATE) * scale(config.get(Options.LR_SCALING), replicas),
                config.get(Options.WARMUP_STEPS));
    }

    static double scale(String scaling, int replicas) {
        switch (scaling) {
            case "none":
                return 1;
            case "sqrt":
                return Math.sqrt(replicas);
            case "linear":
                return replicas;
            default:
                throw new IllegalArgumentException("unknown train.lrScaling " + scaling);
        }
    }

    /** The rate of a round that starts after {@code stepsDone} local steps and takes {@code localSteps}. */
    double rate(long stepsDone, int localSteps) {
        if (warmupSteps == 0) {
            return peak;
        }
        return peak * Math.min(1.0, (double) (stepsDone + localSteps) / warmupSteps);
    }
}
