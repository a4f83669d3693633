package io.sparkrnn.dist;

import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Labels;
import io.sparkrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Everything a checkpoint holds: enough to resume exactly, warm-start, evaluate or sample. */
public final class RunSnapshot {
    private final RunConfig config;
    private final Vocabulary vocabulary;
    private final Labels labels;
    private final ComputationGraph graph;
    private final TrainingPosition position;
    private final float[] outerState;
    private final WarmStart warmStart;
    private final long unknownCharacters;

    /**
     * @param warmStart the checkpoint the run was warm-started from, or null for a run started from scratch
     * @param unknownCharacters corpus characters the vocabulary lacks (encoded as {@code <unk>})
     * @param labels a classifier's label set, null for a language model
     */
    public RunSnapshot(RunConfig config, Vocabulary vocabulary, ComputationGraph graph, TrainingPosition position,
                       float[] outerState, WarmStart warmStart, long unknownCharacters, Labels labels) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.labels = labels;
        this.graph = graph;
        this.position = position;
        this.outerState = outerState;
        this.warmStart = warmStart;
        this.unknownCharacters = unknownCharacters;
    }

    public RunConfig config() { return config; }
    public Vocabulary vocabulary() { return vocabulary; }
    /** A classifier's label set (ids are positions in it), null for a language model. */
    public Labels labels() { return labels; }
    public boolean isClassifier() { return labels != null; }
    /** The model with its parameters and the averaged optimizer state. */
    public ComputationGraph graph() { return graph; }
    public TrainingPosition position() { return position; }
    public int round() { return position.round(); }
    public long steps() { return position.steps(); }
    public int replicas() { return position.replicas(); }
    public double bestValidationLoss() { return position.bestValidationLoss(); }
    /** Validation loss at this round (NaN when not evaluated). */
    public double validationLoss() { return position.validationLoss(); }
    public float[] outerState() { return outerState; }
    /** The checkpoint this run was warm-started from, or null. */
    public WarmStart warmStart() { return warmStart; }
    public long unknownCharacters() { return unknownCharacters; }
}
