package io.sparkrnn.ml;

import io.sparkrnn.checkpoint.CheckpointRef;
import io.sparkrnn.config.Options;
import io.sparkrnn.data.Labels;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.dist.RunSnapshot;
import io.sparkrnn.dist.SnapshotFiles;
import io.sparkrnn.model.ModelSpec;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.Serializable;
import java.util.UUID;

/**
 * What scoring needs of a checkpoint and nothing more: the model's shape, its parameters, the vocabulary, a
 * classifier's labels and the sequence length it was trained with. No optimizer state: this is what is broadcast
 * to the executors, once per model and Spark context.
 */
public final class ScoringModel implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String checkpoint;
    private final long round;
    private final ModelSpec spec;
    private final Vocabulary vocabulary;
    private final Labels labels;
    private final int seqLength;
    private final float[] params;
    /** Tells an executor's pooled network whether it already holds these parameters. */
    private final String id = UUID.randomUUID().toString();

    private ScoringModel(String checkpoint, long round, ModelSpec spec, Vocabulary vocabulary, Labels labels,
                         int seqLength, float[] params) {
        this.checkpoint = checkpoint;
        this.round = round;
        this.spec = spec;
        this.vocabulary = vocabulary;
        this.labels = labels;
        this.seqLength = seqLength;
        this.params = params;
    }

    /**
     * The checkpoint at {@code uri}: a ckpt-N folder, a run folder (its latest complete checkpoint) or a production
     * folder. Throws a CheckpointException (exit code 4) when it cannot be read.
     */
    public static ScoringModel load(String uri, Configuration hadoopConf) throws IOException {
        CheckpointRef ref = CheckpointRef.resolve(uri, hadoopConf);
        return of(SnapshotFiles.read(ref), ref.uri());
    }

    public static ScoringModel of(RunSnapshot snapshot, String checkpointUri) {
        int vocabSize = snapshot.vocabulary().size();
        ModelSpec spec = snapshot.isClassifier()
                ? ModelSpec.classifierFrom(snapshot.config(), vocabSize, snapshot.labels().size())
                : ModelSpec.from(snapshot.config(), vocabSize);
        return new ScoringModel(checkpointUri, snapshot.round(), spec, snapshot.vocabulary(), snapshot.labels(),
                snapshot.config().get(Options.SEQ_LENGTH), snapshot.graph().params().toFloatVector());
    }

    /** The checkpoint folder the parameters come from. */
    public String checkpoint() { return checkpoint; }
    public long round() { return round; }
    public ModelSpec spec() { return spec; }
    public Vocabulary vocabulary() { return vocabulary; }
    /** A classifier's labels in probability-vector order (labels.json); null for a language model. */
    public Labels labels() { return labels; }
    public boolean isClassifier() { return labels != null; }
    /** model.seqLength: a language model's window, the characters a classifier reads of a line. */
    public int seqLength() { return seqLength; }
    float[] params() { return params; }
    String id() { return id; }

    /** "a language model (task = lm)" or "a classifier (task = classify) over [a, b]", for messages. */
    public String kind() {
        return isClassifier() ? "a classifier (task = classify) over labels " + labels : "a language model (task = lm)";
    }

    @Override
    public String toString() {
        return kind() + " from " + checkpoint + " (round " + round + ", " + spec + ")";
    }
}
