package io.sparkrnn.dist;

import io.sparkrnn.metrics.ReplicaAccumulators;
import io.sparkrnn.metrics.RoundMonitor;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

import java.util.Iterator;

/**
 * A reduce-scatter on Spark's shuffle. Each replica task cuts its result into S contiguous slices keyed by
 * (slice, replica) ({@link ReplicaSlicer}); the shuffle sends slice s of every replica to reduce task s, sorted by
 * replica; that task sums them in replica order ({@link SliceSum}); the driver receives only the S sums
 * ({@link SliceAssembler}). So the driver receives the size of one update whatever the number of replicas, each
 * executor sends and receives about one update per replica it runs, and the sum is bit for bit the in-order fold of
 * whole replica results.
 *
 * <p>A round is two Spark jobs over the same shuffle: the replica job runs only the map stage
 * ({@code SparkContext.submitMapStage}, the internal API Spark's adaptive execution uses; pinned with Spark's version
 * in the pom), so that the driver times "replica compute" and "aggregation" on its own clock and the Jobs page shows
 * them apart; the aggregation job then finds the map outputs in place. A lost map output is recomputed by the
 * aggregation job from the same seeds, giving the same bits. The shuffle files are removed at the end of the round.
 */
final class SlicedAggregation {
    private final JavaSparkContext sc;
    private final SliceLayout deltas;
    private final SliceLayout moments;
    private final DeltaCodec codec;
    private final ReplicaAccumulators accumulators;

    SlicedAggregation(JavaSparkContext sc, AggregationPlan plan, ReplicaAccumulators accumulators) {
        this.sc = sc;
        this.deltas = plan.deltaLayout();
        this.moments = plan.momentLayout();
        this.codec = plan.codec;
        this.accumulators = accumulators;
    }

    /**
     * Round {@code round}: one replica per partition of {@code shards}, each running {@code replica} for
     * {@code localSteps} steps.
     */
    <T> Round round(JavaRDD<T> shards, Function<Iterator<T>, ReplicaResult> replica, int round, int localSteps) {
        JavaPairRDD<SliceKey, ReplicaSlice> bySlice = shards
                .mapPartitionsToPair(new ReplicaSlicer<>(replica, deltas, moments, codec))
                .repartitionAndSortWithinPartitions(new SlicePartitioner(deltas.slices()), SliceKey.ORDER);
        return new Round(bySlice, round, localSteps);
    }

    final class Round {
        private final JavaPairRDD<SliceKey, ReplicaSlice> bySlice;
        private final ShuffleDependency<?, ?, ?> shuffle;
        private final int round;
        private final int localSteps;

        private Round(JavaPairRDD<SliceKey, ReplicaSlice> bySlice, int round, int localSteps) {
            this.bySlice = bySlice;
            this.shuffle = (ShuffleDependency<?, ?, ?>) bySlice.rdd().dependencies().head();
            this.round = round;
            this.localSteps = localSteps;
        }

        /** The replica job: every replica trains and writes its slices to the shuffle. */
        void train() {
            RoundMonitor.replicaPhase(sc, shuffle.shuffleId(), () -> {
                try {
                    sc.sc().submitMapStage(shuffle).get();
                } catch (Exception e) { // a SparkException from awaitResult: the job's own failure is its cause
                    Throwable failure = e.getCause() != null ? e.getCause() : e;
                    throw new IllegalStateException("the replica job of round " + round + " failed: "
                            + failure.getMessage(), failure);
                }
            });
        }

        /** The aggregation job: each slice summed over the replicas; the driver assembles the S sums. */
        ReplicaResult sum() {
            SliceAssembler sums = new SliceAssembler(deltas, moments);
            RoundMonitor.aggregationPhase(sc, shuffle.shuffleId(), () -> EachResult.run(bySlice.rdd(),
                    new SliceSum(codec, accumulators, localSteps, round), (slice, summed) -> sums.add(summed)));
            return sums.result();
        }

        /** Deletes the round's shuffle files on every executor (else a long run fills their disks). */
        void clean() {
            bySlice.rdd().cleanShuffleDependencies(true);
        }
    }
}
