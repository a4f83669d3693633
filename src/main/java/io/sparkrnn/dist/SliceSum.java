package io.sparkrnn.dist;

import io.sparkrnn.metrics.ReplicaAccumulators;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import scala.Tuple2;

import java.util.Iterator;

/**
 * The reduce side of the aggregation, one task per slice: adds the replicas' pieces of its slice in replica order
 * (the shuffle sorted them), in float32, starting from a copy of the first piece: element by element the very
 * additions of an in-order fold of whole results, so the sum has the same bits whatever the slicing. The task of
 * slice 0 also folds the replicas' statistics in replica order and adds them to the round's accumulators: this job
 * is an action, where Spark applies each task's accumulator updates once (it applies a shuffle map task's again
 * whenever it reruns a finished map task, so the replica tasks themselves must not add to them).
 */
final class SliceSum implements Function<Iterator<Tuple2<SliceKey, ReplicaSlice>>, SummedSlice> {
    private static final long serialVersionUID = 1L;

    private final DeltaCodec codec;
    private final ReplicaAccumulators accumulators;
    private final int localSteps;
    private final int round;

    SliceSum(DeltaCodec codec, ReplicaAccumulators accumulators, int localSteps, int round) {
        this.codec = codec;
        this.accumulators = accumulators;
        this.localSteps = localSteps;
        this.round = round;
    }

    @Override
    public SummedSlice call(Iterator<Tuple2<SliceKey, ReplicaSlice>> pieces) {
        int slice = TaskContext.getPartitionId();
        float[] delta = null;
        float[] moments = null;
        ReplicaResult statistics = null;
        int replicas = 0;
        int previous = -1;
        while (pieces.hasNext()) {
            Tuple2<SliceKey, ReplicaSlice> record = pieces.next();
            requireOrder(record._1(), slice, previous);
            previous = record._1().replica;
            ReplicaSlice piece = record._2();
            if (piece.statistics != null) {
                statistics = (statistics == null ? ReplicaResult.empty() : statistics).add(piece.statistics);
            }
            if (piece.delta != null) {
                delta = add(delta, piece.delta, codec);
                replicas++;
            }
            if (piece.moments != null) {
                moments = add(moments, piece.moments, DeltaCodec.FLOAT32);
            }
        }
        if (statistics != null) {
            statistics.reportTo(accumulators, localSteps);
            FaultInjection.afterAggregation(round, slice);
        }
        return new SummedSlice(slice, delta, moments, replicas, statistics);
    }

    private static float[] add(float[] sum, byte[] piece, DeltaCodec codec) {
        if (sum == null) {
            return codec.decode(piece);
        }
        codec.addInto(sum, piece);
        return sum;
    }

    private static void requireOrder(SliceKey key, int slice, int previous) {
        if (key.slice != slice || key.replica <= previous) {
            throw new IllegalStateException("aggregation of slice " + slice + " got " + key + " after replica "
                    + previous + ": the shuffle must deliver one piece per replica, sorted by replica");
        }
    }
}
