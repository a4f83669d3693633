package io.sparkrnn.dist;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import scala.Tuple2;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The map side of the aggregation: runs one replica on its partition and emits its result as one record per slice,
 * keyed by (slice, replica). Slices are encoded one at a time as Spark's shuffle writer asks for them, so the task
 * holds the replica's arrays and one encoded slice, never a second copy of the whole update.
 */
final class ReplicaSlicer<T> implements PairFlatMapFunction<Iterator<T>, SliceKey, ReplicaSlice> {
    private static final long serialVersionUID = 1L;

    private final Function<Iterator<T>, ReplicaResult> replica;
    private final SliceLayout deltas;
    private final SliceLayout moments;
    private final DeltaCodec codec;

    ReplicaSlicer(Function<Iterator<T>, ReplicaResult> replica, SliceLayout deltas, SliceLayout moments,
                  DeltaCodec codec) {
        this.replica = replica;
        this.deltas = deltas;
        this.moments = moments;
        this.codec = codec;
    }

    @Override
    public Iterator<Tuple2<SliceKey, ReplicaSlice>> call(Iterator<T> partition) throws Exception {
        int index = TaskContext.getPartitionId();
        ReplicaResult result = replica.call(partition);
        requireLength(result.deltaSum, deltas, "update");
        requireLength(result.updaterStateSum, moments, "optimizer moments");
        // A non-finite replica sends only its statistics (in slice 0), so the reducers neither add nor count it.
        int records = result.deltaSum == null ? 1 : deltas.slices();
        return new Iterator<>() {
            private int slice;

            @Override
            public boolean hasNext() { return slice < records; }

            @Override
            public Tuple2<SliceKey, ReplicaSlice> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int s = slice++;
                return new Tuple2<>(new SliceKey(s, index), new ReplicaSlice(s == 0 ? result.statistics() : null,
                        slice(result.deltaSum, deltas, s, codec), slice(result.updaterStateSum, moments, s, DeltaCodec.FLOAT32)));
            }
        };
    }

    private static byte[] slice(float[] values, SliceLayout layout, int slice, DeltaCodec codec) {
        return values == null ? null : codec.encode(values, layout.start(slice), layout.end(slice));
    }

    private static void requireLength(float[] values, SliceLayout layout, String what) {
        if (values != null && values.length != layout.length()) {
            throw new IllegalStateException("a replica returned " + values.length + " values of its " + what + ", the "
                    + "aggregation expects " + layout.length());
        }
    }
}
