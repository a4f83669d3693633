package io.sparkrnn.dist;

import io.sparkrnn.config.RunConfig;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.LossSum;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Validation loss of a checkpointed model on the held-out part of a corpus, split exactly as in training
 * (same seed, block size and fraction in {@code config}).
 */
public final class SnapshotEvaluation {
    private SnapshotEvaluation() { }

    public static LossSum evaluate(JavaSparkContext sc, RunConfig config, RunSnapshot snapshot) {
        int replicas = TaskSlots.replicas(config, sc);
        PreparedCorpus corpus = CorpusPipeline.prepare(sc, config, replicas, snapshot.vocabulary());
        try {
            ModelSpec spec = ModelSpec.from(snapshot.config(), snapshot.vocabulary().size());
            return new DistributedEvaluator(sc, spec, TrainSettings.from(config))
                    .evaluate(corpus.validation(), snapshot.graph().params());
        } finally {
            corpus.release();
        }
    }
}
