package io.sparkrnn.dist;

import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Everything a checkpoint holds: enough to resume exactly, warm-start, evaluate or sample. */
public final class RunSnapshot {
    private final RunConfig config;
    private final Vocabulary vocabulary;
    private final ComputationGraph graph;
    private final int round;
    private final long steps;
    private final int replicas;
    private final double bestValidationLoss;
    private final double validationLoss;
    private final float[] outerState;

    public RunSnapshot(RunConfig config, Vocabulary vocabulary, ComputationGraph graph, int round, long steps,
                       int replicas, double bestValidationLoss, double validationLoss, float[] outerState) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.graph = graph;
        this.round = round;
        this.steps = steps;
        this.replicas = replicas;
        this.bestValidationLoss = bestValidationLoss;
        this.validationLoss = validationLoss;
        this.outerState = outerState;
    }

    public RunConfig config() { return config; }
    public Vocabulary vocabulary() { return vocabulary; }
    /** The model with its parameters and the averaged optimizer state. */
    public ComputationGraph graph() { return graph; }
    public int round() { return round; }
    public long steps() { return steps; }
    public int replicas() { return replicas; }
    public double bestValidationLoss() { return bestValidationLoss; }
    /** Validation loss at this round (NaN when not evaluated). */
    public double validationLoss() { return validationLoss; }
    public float[] outerState() { return outerState; }
}
