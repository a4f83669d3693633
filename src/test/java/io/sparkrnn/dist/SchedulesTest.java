package io.sparkrnn.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.ConfigError;
import io.sparkrnn.config.RunConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulesTest {
    private static RunConfig config(String... overrides) {
        return ConfigLoader.load(null, List.of(overrides));
    }

    private static List<Integer> firstRounds(AveragingSchedule schedule, int rounds) {
        List<Integer> steps = new ArrayList<>();
        long done = 0;
        for (int r = 0; r < rounds; r++) {
            int k = schedule.localSteps(done);
            steps.add(k);
            done += k;
        }
        return steps;
    }

    @Test
    void averagingFrequencyIsConstantWithoutARamp() {
        AveragingSchedule constant = AveragingSchedule.from(config("train.averagingFrequency=8"));
        assertEquals(List.of(8, 8, 8), firstRounds(constant, 3));
        assertEquals(3, constant.roundsFor(17));
    }

    @Test
    void postLocalRampAveragesEveryStepFirstAndGrowsLinearly() {
        AveragingSchedule ramp = AveragingSchedule.from(config("train.averagingFrequency=3",
                "train.averagingFrequencyStart=1", "train.averagingRampSteps=4"));
        // after 0, 1, 3 steps: 1 + 2 x (0, 1/4, 3/4) rounded; from step 4 on the final 3
        assertEquals(List.of(1, 2, 3, 3, 3), firstRounds(ramp, 5));
        assertEquals(4, ramp.roundsFor(9));
    }

    @Test
    void adaCommRampAveragesRarelyFirst() {
        AveragingSchedule decreasing = AveragingSchedule.from(config("train.averagingFrequency=4",
                "train.averagingFrequencyStart=16", "train.averagingRampSteps=32"));
        assertEquals(List.of(16, 10, 6, 4), firstRounds(decreasing, 4)); // after 0, 16, 26, 32 steps
    }

    @Test
    void learningRateScalesWithReplicasAndWarmsUpOverSteps() {
        RunConfig sqrt = config("train.learningRate=0.01", "train.lrScaling=sqrt", "train.warmupSteps=10");
        LearningRateSchedule four = LearningRateSchedule.from(sqrt, 4);
        assertEquals(0.02 * 0.2, four.rate(0, 2), 1e-15);
        assertEquals(0.02 * 0.8, four.rate(6, 2), 1e-15);
        assertEquals(0.02, four.rate(8, 2), 1e-15);
        assertEquals(0.02, four.rate(1000, 2), 1e-15);
        assertEquals(0.04, LearningRateSchedule.from(config("train.learningRate=0.01", "train.lrScaling=linear"), 4)
                .rate(0, 8), 1e-15);
        assertEquals(0.01, LearningRateSchedule.from(config("train.learningRate=0.01"), 4).rate(0, 8), 1e-15);
    }

    @Test
    void dividedBatchesShareTheConfiguredBatchAmongReplicas() {
        assertEquals(32, ReplicaBatch.size(config("train.batchSize=32"), 4));
        assertEquals(16, ReplicaBatch.size(config("train.batchSize=32", "train.batchScaling=divide"), 2));
        assertEquals(11, ReplicaBatch.size(config("train.batchSize=32", "train.batchScaling=divide"), 3));
        assertEquals(32, ReplicaBatch.size(config("train.batchSize=32", "train.batchScaling=divide"), 1));
        assertThrows(ConfigError.class, () -> config("train.batchScaling=multiply"));
    }

    @Test
    void aLoweredRateCapsTheSchedule() {
        MasterState state = new MasterState(null, null, 0, 0);
        assertEquals(0.004, state.learningRate(0.004), 0);
        state.lowerLearningRate(0.002);
        assertEquals(0.001, state.learningRate(0.001), 0, "during warm-up the schedule is below the lowered rate");
        assertEquals(0.002, state.learningRate(0.004), 0);
    }

    @Test
    void badScheduleValuesAreConfigErrors() {
        assertThrows(ConfigError.class, () -> config("train.lrScaling=cubic"));
        assertThrows(ConfigError.class, () -> config("train.warmupSteps=-1"));
        assertThrows(ConfigError.class, () -> config("train.averagingRampSteps=-5"));
    }
}
