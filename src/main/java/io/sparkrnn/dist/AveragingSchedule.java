package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;

/**
 * How many local steps the replicas take in a round, as a pure function of the local steps already taken, so that
 * a resumed run averages exactly when the uninterrupted one would have. The frequency moves linearly from
 * {@code train.averagingFrequencyStart} to {@code train.averagingFrequency} over {@code train.averagingRampSteps}
 * local steps: starting at 1 is a gradual post-local SGD (Lin et al., ICLR 2020), starting above the final value
 * averages rarely early and more often later (AdaComm).
 */
public final class AveragingSchedule {
    private final int start;
    private final int end;
    private final long rampSteps;

    AveragingSchedule(int start, int end, long rampSteps) {
        this.start = start;
        this.end = end;
        this.rampSteps = rampSteps;
    }

    public static AveragingSchedule from(RunConfig config) {
        int end = config.get(Options.AVERAGING_FREQUENCY);
        int start = config.get(Options.AVERAGING_FREQUENCY_START);
        return new AveragingSchedule(start == 0 ? end : start, end, config.get(Options.AVERAGING_RAMP_STEPS));
    }

    /** Local steps of the round that begins after {@code stepsDone} local steps. */
    public int localSteps(long stepsDone) {
        if (rampSteps == 0 || stepsDone >= rampSteps) {
            return end;
        }
        double progress = (double) stepsDone / rampSteps;
        return Math.max(1, (int) Math.round(start + (end - start) * progress));
    }

    /** Rounds until the replicas have taken at least {@code steps} local steps each. */
    public int roundsFor(long steps) {
        int rounds = 0;
        for (long done = 0; done < steps; rounds++) {
            done += localSteps(done);
        }
        return rounds;
    }
}
