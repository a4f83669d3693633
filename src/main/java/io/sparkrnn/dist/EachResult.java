package io.sparkrnn.dist;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.rdd.RDD;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Runs one function per partition as one Spark job and hands each partition's result to the driver as it arrives
 * (on Spark's scheduler thread), so that the driver never holds more than it chooses to keep: unlike collect(),
 * which keeps every result until the last one is in.
 */
final class EachResult {
    private EachResult() { }

    static <T, U> void run(RDD<T> rdd, Function<Iterator<T>, U> perPartition, BiConsumer<Integer, U> handler) {
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < rdd.getNumPartitions(); i++) {
            ids.add(i);
        }
        rdd.context().runJob(rdd, new PartitionFunction<>(perPartition), JavaConverters.asScalaBuffer(ids).toSeq(),
                new ResultHandler<>(handler), ClassTag$.MODULE$.apply(Object.class));
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
        private final BiConsumer<Integer, U> handler;

        ResultHandler(BiConsumer<Integer, U> handler) {
            this.handler = handler;
        }

        @Override
        public BoxedUnit apply(Object partition, U result) {
            handler.accept((Integer) partition, result);
            return BoxedUnit.UNIT;
        }
    }
}
