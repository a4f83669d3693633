package io.sparkrnn.dist;

import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.WindowShard;
import org.apache.spark.api.java.JavaRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What to do when EVERY replica of a round goes non-finite: retry the round from the same parameters with the
 * replicas' learning rate multiplied by {@code train.nonFiniteLrFactor}, up to {@code train.nonFiniteRetries}
 * times, then stop the run with {@link ExitCodes#DIVERGED}. A lowered rate stays lowered for the rest of the run,
 * also after a resume: it is part of the master state and of its checkpoints. The parameters only change on a
 * finite round, so a non-finite value never reaches a checkpoint.
 */
final class NonFiniteRetries {
    private static final Logger LOG = LoggerFactory.getLogger(NonFiniteRetries.class);

    private final ParameterAveragingMaster master;
    private final int retries;
    private final double factor;
    private final LearningRateSchedule learningRates;
    private final AveragingSchedule averaging;

    NonFiniteRetries(ParameterAveragingMaster master, RunConfig config, int replicas) {
        this.master = master;
        this.retries = config.get(Options.NON_FINITE_RETRIES);
        this.factor = config.get(Options.NON_FINITE_LR_FACTOR);
        this.learningRates = LearningRateSchedule.from(config, replicas);
        this.averaging = AveragingSchedule.from(config);
    }

    /** Runs the next round, retrying it at lower learning rates while every replica goes non-finite. */
    RoundOutcome runRound(MasterState state, JavaRDD<WindowShard> shards) {
        List<String> tried = new ArrayList<>();
        int localSteps = averaging.localSteps(state.steps());
        double learningRate = state.learningRate(learningRates.rate(state.steps(), localSteps));
        for (int attempt = 0; ; attempt++) {
            RoundOutcome outcome = master.runRound(state, shards, learningRate, localSteps);
            if (outcome.replicas > 0) {
                return outcome;
            }
            tried.add(String.format(Locale.ROOT, "%g", learningRate));
            if (attempt == retries) {
                throw new RunError(ExitCodes.DIVERGED, "training diverged in round " + outcome.round + ": every replica's "
                        + "loss or update was non-finite at learning rates " + String.join(", ", tried)
                        + " (train.nonFiniteRetries = " + retries + ", train.nonFiniteLrFactor = " + factor + "). "
                        + "Nothing of this round was saved; the last checkpoint, if any, holds finite parameters. "
                        + "Lower train.learningRate or train.maxGradNorm and run again to resume from it");
            }
            learningRate *= factor;
            state.lowerLearningRate(learningRate);
            LOG.warn("round {}: every replica went non-finite; retrying it from the same parameters at learning rate {}"
                    + " (retry {} of {})", outcome.round, learningRate, attempt + 1, retries);
        }
    }
}
