package io.sparkrnn.dist;

import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.data.WindowShard;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.Evaluator;
import io.sparkrnn.train.LossSum;
import io.sparkrnn.train.ReplicaTrainer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Validation loss of given parameters on the held-out shards, computed where the shards live. */
public final class DistributedEvaluator {
    private final JavaSparkContext sc;
    private final ModelSpec spec;
    private final TrainSettings settings;

    DistributedEvaluator(JavaSparkContext sc, ModelSpec spec, TrainSettings settings) {
        this.sc = sc;
        this.spec = spec;
        this.settings = settings;
    }

    public LossSum evaluate(JavaRDD<WindowShard> validation, INDArray params) {
        Broadcast<float[]> broadcast = sc.broadcast(params.toFloatVector());
        try {
            return InOrderAggregation.aggregate(validation, new EvalTask(broadcast, spec, settings),
                    LossSum.zero(), LossSum::plus);
        } finally {
            broadcast.destroy();
        }
    }

    private static final class EvalTask implements Function<Iterator<WindowShard>, LossSum> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<float[]> params;
        private final ModelSpec spec;
        private final TrainSettings settings;

        EvalTask(Broadcast<float[]> params, ModelSpec spec, TrainSettings settings) {
            this.params = params;
            this.spec = spec;
            this.settings = settings;
        }

        @Override
        public LossSum call(Iterator<WindowShard> shards) {
            WindowShard shard = shards.next();
            int device = TaskDevice.bind(TaskContext.get(), settings.deviceBinder);
            ReplicaThreads.applyForCurrentTask();
            ReplicaTrainer trainer = ReplicaPool.borrow(spec, settings.maxGradNorm, settings.seqLength, device);
            try {
                trainer.graph().setParams(Nd4j.createFromArray(params.value()));
                return Evaluator.evaluate(trainer.graph(), batches(shard, settings.batchSize), spec.vocabSize());
            } finally {
                ReplicaPool.giveBack(trainer, settings.maxGradNorm, settings.seqLength, device);
            }
        }
    }

    /** The shard's windows in order, in minibatches of at most {@code batchSize}. */
    static List<MiniBatch> batches(WindowShard shard, int batchSize) {
        List<MiniBatch> batches = new ArrayList<>();
        for (int start = 0; start < shard.size(); start += batchSize) {
            int[] indices = new int[Math.min(batchSize, shard.size() - start)];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = start + i;
            }
            batches.add(MiniBatch.fromWindows(shard, indices));
        }
        return batches;
    }
}
