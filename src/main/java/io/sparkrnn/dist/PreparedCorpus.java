package io.sparkrnn.dist;

import io.sparkrnn.data.Labels;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.data.WindowShard;
import org.apache.spark.api.java.JavaRDD;

/**
 * Tokenized training and validation windows (language model) or examples (classifier, see
 * {@code ExampleWindows}), one shard per replica, persisted once for the whole run.
 */
public final class PreparedCorpus {
    private final Vocabulary vocabulary;
    private final Vocabulary corpusVocabulary;
    private final Labels labels;
    private final JavaRDD<WindowShard> train;
    private final JavaRDD<WindowShard> validation;
    private final long trainWindows;
    private final long validationWindows;
    private final long unknownCharacters;

    PreparedCorpus(Vocabulary vocabulary, Vocabulary corpusVocabulary, Labels labels, JavaRDD<WindowShard> train,
                   JavaRDD<WindowShard> validation, long trainWindows, long validationWindows, long unknownCharacters) {
        this.vocabulary = vocabulary;
        this.corpusVocabulary = corpusVocabulary;
        this.labels = labels;
        this.train = train;
        this.validation = validation;
        this.trainWindows = trainWindows;
        this.validationWindows = validationWindows;
        this.unknownCharacters = unknownCharacters;
    }

    /** The vocabulary the windows are encoded with. */
    public Vocabulary vocabulary() { return vocabulary; }
    /** The vocabulary this corpus and data.minCharCount give; differs from the one used when it was fixed. */
    public Vocabulary corpusVocabulary() { return corpusVocabulary; }
    /** The label set of a classification corpus; null for a language model. */
    public Labels labels() { return labels; }
    public JavaRDD<WindowShard> train() { return train; }
    public JavaRDD<WindowShard> validation() { return validation; }
    public long trainWindows() { return trainWindows; }
    public long validationWindows() { return validationWindows; }
    /** Corpus characters that the vocabulary lacks, mapped to {@code <unk>}. */
    public long unknownCharacters() { return unknownCharacters; }

    public void release() {
        train.unpersist(false);
        validation.unpersist(false);
    }
}
