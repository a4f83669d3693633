package io.sparkrnn.dist;

import io.sparkrnn.data.WindowShard;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.ReplicaTrainer;
import io.sparkrnn.train.Validation;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Iterator;

/** Validation loss (and classification counts) of given parameters on the held-out shards, computed where the shards live. */
public final class DistributedEvaluator {
    private final JavaSparkContext sc;
    private final RunTask task;
    private final ModelSpec spec;
    private final TrainSettings settings;

    DistributedEvaluator(JavaSparkContext sc, RunTask task, ModelSpec spec, TrainSettings settings) {
        this.sc = sc;
        this.task = task;
        this.spec = spec;
        this.settings = settings;
    }

    public Validation evaluate(JavaRDD<WindowShard> validation, INDArray params) {
        Broadcast<float[]> broadcast = sc.broadcast(params.toFloatVector());
        try {
            return InOrderAggregation.aggregate(validation, new EvalTask(broadcast, task, spec, settings),
                    Validation.zero(), Validation::plus);
        } finally {
            broadcast.destroy();
        }
    }

    private static final class EvalTask implements Function<Iterator<WindowShard>, Validation> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<float[]> params;
        private final RunTask task;
        private final ModelSpec spec;
        private final TrainSettings settings;

        EvalTask(Broadcast<float[]> params, RunTask task, ModelSpec spec, TrainSettings settings) {
            this.params = params;
            this.task = task;
            this.spec = spec;
            this.settings = settings;
        }

        @Override
        public Validation call(Iterator<WindowShard> shards) {
            WindowShard shard = shards.next();
            float[] values = params.value();
            return TaskResources.onTaskDevice(settings.deviceBinder, device -> {
                ReplicaTrainer trainer = ReplicaPool.borrow(spec, settings.maxGradNorm, settings.seqLength, device);
                try {
                    trainer.graph().setParams(Nd4j.createFromArray(values));
                    return task.evaluate(trainer, shard, settings.batchSize);
                } finally {
                    ReplicaPool.giveBack(trainer, settings.maxGradNorm, settings.seqLength, device);
                }
            });
        }
    }
}
