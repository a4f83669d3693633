package io.sparkrnn.dist;

import io.sparkrnn.config.RunConfig;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.Validation;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Validation loss (and for a classifier accuracy and F1) of a checkpointed model on the held-out part of a corpus,
 * split exactly as in training (same seed, block size and fraction in {@code config}).
 */
public final class SnapshotEvaluation {
    private SnapshotEvaluation() { }

    public static Validation evaluate(JavaSparkContext sc, RunConfig config, RunSnapshot snapshot) {
        int replicas = TaskSlots.replicas(config, sc);
        RunTask task = RunTask.of(snapshot.config());
        PreparedCorpus corpus = task.prepare(sc, config, replicas, snapshot.vocabulary(), snapshot.labels());
        try {
            ModelSpec spec = task.spec(snapshot.config(), snapshot.vocabulary(), snapshot.labels());
            return new DistributedEvaluator(sc, task, spec, TrainSettings.from(config))
                    .evaluate(corpus.validation(), snapshot.graph().params());
        } finally {
            corpus.release();
        }
    }
}
