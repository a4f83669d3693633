package io.sparkrnn.dist;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;

import java.util.Iterator;
import java.util.TreeMap;
import java.util.function.BinaryOperator;

/**
 * Runs one function per partition and folds the results on the driver in PARTITION order, as they arrive.
 * Spark's reduce/treeAggregate fold in arrival order, and float addition is not associative, so with three or
 * more replicas they give run-to-run differences; this keeps the same seed giving the same bits. Results that
 * arrive early wait only until the partitions before them are in. For small results (validation counts): the
 * replicas' updates are summed through the shuffle instead ({@link SlicedAggregation}).
 */
final class InOrderAggregation {
    private InOrderAggregation() { }

    static <T, U> U aggregate(JavaRDD<T> rdd, Function<Iterator<T>, U> perPartition, U zero, BinaryOperator<U> combine) {
        Folder<U> folder = new Folder<>(zero, combine);
        EachResult.run(rdd.rdd(), perPartition, folder::offer);
        return folder.result(rdd.getNumPartitions());
    }

    /** Holds results that arrive out of order until every earlier partition has been folded. */
    private static final class Folder<U> {
        private final BinaryOperator<U> combine;
        private final TreeMap<Integer, U> waiting = new TreeMap<>();
        private U folded;
        private int next;

        Folder(U zero, BinaryOperator<U> combine) {
            this.folded = zero;
            this.combine = combine;
        }

        synchronized void offer(int partition, U result) {
            waiting.put(partition, result);
            while (waiting.containsKey(next)) {
                folded = combine.apply(folded, waiting.remove(next));
                next++;
            }
        }

        synchronized U result(int partitions) {
            if (next != partitions) {
                throw new IllegalStateException("only " + next + " of " + partitions + " partition results arrived");
            }
            return folded;
        }
    }
}
