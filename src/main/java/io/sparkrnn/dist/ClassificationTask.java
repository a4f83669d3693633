package io.sparkrnn.dist;

import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Labels;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.data.WindowShard;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.BatchTensors;
import io.sparkrnn.train.Evaluator;
import io.sparkrnn.train.ReplicaTrainer;
import io.sparkrnn.train.StepStats;
import io.sparkrnn.train.Validation;
import org.apache.spark.api.java.JavaSparkContext;

/** task = classify: lines 'label&lt;TAB&gt;text', one label per line; the loss is per line, not per character. */
final class ClassificationTask implements RunTask {
    private static final long serialVersionUID = 1L;

    @Override
    public PreparedCorpus prepare(JavaSparkContext sc, RunConfig config, int replicas, Vocabulary fixedVocabulary,
                                  Labels fixedLabels) {
        return LabeledCorpusPipeline.prepare(sc, config, replicas, fixedVocabulary, fixedLabels);
    }

    @Override
    public ModelSpec spec(RunConfig config, Vocabulary vocabulary, Labels labels) {
        return ModelSpec.classifierFrom(config, vocabulary.size(), labels.size());
    }

    @Override
    public StepStats step(ReplicaTrainer trainer, WindowShard shard, int[] windows) {
        return trainer.step(BatchTensors.classification(shard, windows, trainer.spec().outputSize()), windows.length);
    }

    @Override
    public Validation evaluate(ReplicaTrainer trainer, WindowShard shard, int batchSize) {
        return Evaluator.classify(trainer.graph(), shard, batchSize, trainer.spec().outputSize());
    }
}
