package io.sparkrnn.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Builds the spec's model as a DL4J {@link ComputationGraph}: the shared {@link RecurrentEncoder}, then the
 * language-model or classifier head ({@link ModelHeads}). Activations are NCW ([minibatch, features, time])
 * throughout; input types are not set because {@code setInputTypes} would override the embedding's nIn
 * (see docs/dependencies notes).
 */
public final class GraphFactory {
    private GraphFactory() { }

    public static ComputationGraph build(ModelSpec spec) {
        return build(spec, DataType.FLOAT);
    }

    /** The model in {@code dataType}; gradient checks build it in double precision. */
    public static ComputationGraph build(ModelSpec spec, DataType dataType) {
        ComputationGraph graph = new ComputationGraph(configuration(spec, dataType));
        graph.init();
        return graph;
    }

    public static ComputationGraphConfiguration configuration(ModelSpec spec) {
        return configuration(spec, DataType.FLOAT);
    }

    public static ComputationGraphConfiguration configuration(ModelSpec spec, DataType dataType) {
        ComputationGraphConfiguration.GraphBuilder builder = spec.updater().configure(new NeuralNetConfiguration.Builder())
                .seed(spec.seed())
                .dataType(dataType)
                .weightInit(WeightInit.XAVIER)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs(LayerWiring.INPUT);
        String encoded = RecurrentEncoder.addTo(builder, spec, LayerWiring.OUTPUT + "_in");
        ModelHeads.addTo(builder, spec, encoded);
        builder.setOutputs(LayerWiring.OUTPUT);
        return builder.build();
    }
}
