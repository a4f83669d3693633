package io.sparkrnn.ml;

import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network kept for forward passes only: built from the spec without an updater, listeners or gradient buffers
 * (DL4J allocates those on the first fit, which never comes), run in inference mode with DL4J's inference
 * workspaces. It remembers whose parameters it holds, so a task that scores the same model again copies nothing.
 */
final class ScoringNetwork {
    private final ComputationGraph graph;
    private final ModelSpec spec;
    private String loadedModel;

    ScoringNetwork(ModelSpec spec) {
        this.spec = spec;
        this.graph = GraphFactory.build(spec);
    }

    ModelSpec spec() { return spec; }

    ComputationGraph graph() { return graph; }

    /** Copies the model's parameters in, unless this network holds them already. */
    void load(ScoringModel model) {
        if (!model.spec().equals(spec)) {
            throw new IllegalArgumentException("a network of " + spec + " cannot hold the parameters of " + model);
        }
        if (!model.id().equals(loadedModel)) {
            graph.setParams(Nd4j.createFromArray(model.params()));
            loadedModel = model.id();
        }
    }
}
