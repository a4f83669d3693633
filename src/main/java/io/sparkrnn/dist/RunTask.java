package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Labels;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.data.WindowShard;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.ReplicaTrainer;
import io.sparkrnn.train.StepStats;
import io.sparkrnn.train.Validation;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.Serializable;

/**
 * What a run trains ({@code task}): how the corpus becomes shards, which model reads them, what one local step
 * and one evaluation do with a shard. Everything else (master, replicas, clipping, non-finite handling,
 * checkpoints, resume) is the same for every task. Shipped to the executors with the replica and evaluation tasks.
 */
interface RunTask extends Serializable {

    static RunTask of(RunConfig config) {
        return "classify".equals(config.get(Options.TASK)) ? new ClassificationTask() : new LanguageModelTask();
    }

    /**
     * @param fixedVocabulary, fixedLabels a checkpoint's, to encode the corpus with, or null to build them
     *                                     from the corpus
     */
    PreparedCorpus prepare(JavaSparkContext sc, RunConfig config, int replicas, Vocabulary fixedVocabulary,
                           Labels fixedLabels);

    /** The model for this config over {@code vocabulary} (and {@code labels}, null for a language model). */
    ModelSpec spec(RunConfig config, Vocabulary vocabulary, Labels labels);

    /** One local step of {@code trainer} on the shard's windows (or examples) {@code windows}. */
    StepStats step(ReplicaTrainer trainer, WindowShard shard, int[] windows);

    /** Loss (and for a classifier, confusion counts) of the trainer's network on the whole shard, in order. */
    Validation evaluate(ReplicaTrainer trainer, WindowShard shard, int batchSize);
}
