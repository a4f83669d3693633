package io.sparkrnn.dist;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BinaryOperator;

/**
 * Runs one function per partition and folds the results on the driver in PARTITION order, as they arrive.
 * Spark's reduce/treeAggregate fold in arrival order, and float addition is not associative, so with three or
 * more replicas they give run-to-run differences; this keeps the same seed giving the same bits. Results that
 * arrive early wait only until the partitions before them are in.
 */
final class InOrderAggregation {
    private InOrderAggregation() { }

    static <T, U> U aggregate(JavaRDD<T> rdd, Function<Iterator<T>, U> perPartition, U zero, BinaryOperator<U> combine) {
        int partitions = rdd.getNumPartitions();
        Folder<U> folder = new Folder<>(zero, combine);
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            ids.add(i);
        }
        rdd.context().runJob(rdd.rdd(), new PartitionFunction<>(perPartition),
                JavaConverters.asScalaBuffer(ids).toSeq(), new ResultHandler<>(folder),
                ClassTag$.MODULE$.apply(Object.class));
        return folder.result(partitions);
    }

    private static final class PartitionFunction<T, U>
            extends AbstractFunction2<TaskContext, scala.collection.Iterator<T>, U> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Function<Iterator<T>, U> perPartition;

        PartitionFunction(Function<Iterator<T>, U> perPartition) {
            this.perPartition = perPartition;
        }

        @Override
        public U apply(TaskContext context, scala.collection.Iterator<T> rows) {
            try {
                return perPartition.call(JavaConverters.asJavaIterator(rows));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final class ResultHandler<U> extends AbstractFunction2<Object, U, BoxedUnit> {
        private final Folder<U> folder;

        ResultHandler(Folder<U> folder) {
            this.folder = folder;
        }

        @Override
        public BoxedUnit apply(Object partition, U result) {
            folder.offer((Integer) partition, result);
            return BoxedUnit.UNIT;
        }
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
