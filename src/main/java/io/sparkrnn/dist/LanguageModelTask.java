package io.sparkrnn.dist;

import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Labels;
import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.data.WindowShard;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.Evaluator;
import io.sparkrnn.train.ReplicaTrainer;
import io.sparkrnn.train.StepStats;
import io.sparkrnn.train.Validation;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.List;
import java.util.stream.Collectors;

/** task = lm: windows of plain text, each character predicting the next. */
final class LanguageModelTask implements RunTask {
    private static final long serialVersionUID = 1L;

    @Override
    public PreparedCorpus prepare(JavaSparkContext sc, RunConfig config, int replicas, Vocabulary fixedVocabulary,
                                  Labels fixedLabels) {
        return CorpusPipeline.prepare(sc, config, replicas, fixedVocabulary);
    }

    @Override
    public ModelSpec spec(RunConfig config, Vocabulary vocabulary, Labels labels) {
        return ModelSpec.from(config, vocabulary.size());
    }

    @Override
    public StepStats step(ReplicaTrainer trainer, WindowShard shard, int[] windows) {
        return trainer.step(MiniBatch.fromWindows(shard, windows));
    }

    @Override
    public Validation evaluate(ReplicaTrainer trainer, WindowShard shard, int batchSize) {
        return new Validation(Evaluator.evaluate(trainer.graph(), batches(shard, batchSize), trainer.spec().vocabSize()),
                null);
    }

    /** The shard's windows in order, in minibatches of at most {@code batchSize}. */
    static List<MiniBatch> batches(WindowShard shard, int batchSize) {
        return shard.inOrderBatches(batchSize).stream().map(indices -> MiniBatch.fromWindows(shard, indices))
                .collect(Collectors.toList());
    }
}
