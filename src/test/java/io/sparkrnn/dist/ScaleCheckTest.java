package io.sparkrnn.dist;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The slicing and the pre-flight estimates, on the issue's cases, without Spark. */
class ScaleCheckTest {
    private static final long GB = 1L << 30;
    private static final long MB = 1L << 20;
    /** 3 x LSTM 1024 on the bundled corpus: 21.4 M parameters, Adam's two moments each. */
    private static final long P = 21_400_000L;

    private static ScaleCheck.Environment local(long heap, long maxResultSize) {
        return new ScaleCheck.Environment(true, 2, maxResultSize, heap, heap, 1, GB, "/tmp", 100 * GB);
    }

    @Test
    void slicesAreContiguousNearlyEqualAndAutomaticallyOnePerReplica() {
        SliceLayout layout = new SliceLayout(10, 3);
        assertEquals(List.of(0, 3, 6, 10), List.of(layout.start(0), layout.start(1), layout.start(2), layout.end(2)));
        assertEquals(0, new SliceLayout(2, 3).length(0));
        assertEquals(32, SliceLayout.automaticSlices(32, P));
        assertEquals(200, SliceLayout.automaticSlices(1000, P), "at most Spark's bypass-merge threshold");
        assertEquals(3, SliceLayout.automaticSlices(32, 200_000), "no slice under 65,536 values");
        assertEquals(1, SliceLayout.automaticSlices(8, 1000));
    }

    @Test
    void theDriverReceivesOneUpdateWhateverTheReplicas() {
        AggregationPlan two = new AggregationPlan(2, P, 2 * P, 2, DeltaCodec.FLOAT32, false);
        AggregationPlan many = new AggregationPlan(32, P, 2 * P, 32, DeltaCodec.FLOAT32, false);
        assertEquals(two.largestDriverResultBytes(), many.largestDriverResultBytes());
        assertEquals(12 * P, many.largestDriverResultBytes());
        assertEquals(32 * 12 * P, many.largestShuffleBytes());
        AggregationPlan lean = new AggregationPlan(32, P, 2 * P, 32, DeltaCodec.BFLOAT16, true);
        assertEquals(2 * P, lean.replicaBytes(false), "local moments and bfloat16: 2 bytes per parameter");
        assertEquals(4 * P, lean.broadcastBytes(), "local moments are not broadcast");
        assertEquals(32 * 2 * P, lean.typicalShuffleBytes());
    }

    @Test
    void theIssuesSixteenReplicasFitTheCliDefaultsNow() {
        // Before: 16 replicas sent 16 x 12 bytes x P = 4.1 GB to the driver and failed at spark.driver.maxResultSize = 2g.
        AggregationPlan plan = new AggregationPlan(32, P, 2 * P, 32, DeltaCodec.FLOAT32, false);
        assertTrue(ScaleCheck.problems(plan, local(6 * GB, 2 * GB)).isEmpty(), () -> ScaleCheck.problems(plan, local(6 * GB, 2 * GB)).toString());
    }

    @Test
    void eachLimitIsNamedWithWhatToChange() {
        AggregationPlan big = new AggregationPlan(8, 200_000_000L, 400_000_000L, 8, DeltaCodec.FLOAT32, false);
        List<String> problems = ScaleCheck.problems(big, local(4 * GB, 2 * GB));
        assertTrue(problems.get(0).startsWith("the driver receives 2.2 GB per round"), problems.get(0));
        assertTrue(problems.get(0).contains("raise it to at least 2289m"), problems.get(0));
        assertTrue(problems.get(1).startsWith("the driver's heap needs about"), problems.get(1));
        assertTrue(problems.get(1).contains("spark.driver.memory") && problems.get(1).contains("master.replicas"), problems.get(1));
        assertTrue(problems.get(2).contains("org.bytedeco.javacpp.maxbytes"), problems.get(2));

        AggregationPlan kept = new AggregationPlan(64, P, 2 * P, 64, DeltaCodec.FLOAT32, true);
        ScaleCheck.Environment cluster = new ScaleCheck.Environment(false, 16, 0, 8 * GB, 8 * GB, 4, 2 * GB, "/tmp", 0);
        List<String> executor = ScaleCheck.problems(kept, cluster);
        assertEquals(1, executor.size(), executor.toString());
        assertTrue(executor.get(0).contains("kept moments of 16 replica(s), two rounds each 5.1 GB"), executor.get(0));
        assertTrue(executor.get(0).contains("spark.executor.memory"), executor.get(0));

        AggregationPlan wide = new AggregationPlan(32, P, 2 * P, 32, DeltaCodec.FLOAT32, false);
        List<String> disk = ScaleCheck.problems(wide, new ScaleCheck.Environment(true, 2, 0, 64 * GB, 64 * GB, 1, GB,
                "/small", 500 * MB));
        assertEquals(1, disk.size(), disk.toString());
        assertTrue(disk.get(0).startsWith("a round writes 7.7 GB of shuffle files to /small"), disk.get(0));
    }
}
