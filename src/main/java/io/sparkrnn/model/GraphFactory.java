package io.sparkrnn.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * Builds the language model as a DL4J {@link ComputationGraph}: embedding, L recurrent layers joined as the
 * spec says, softmax. Activations are NCW ([minibatch, features, time]) throughout; input types are not
 * set because {@code setInputTypes} would override the embedding's nIn (see docs/dependencies notes).
 */
public final class GraphFactory {
    private GraphFactory() { }

    public static ComputationGraph build(ModelSpec spec) {
        ComputationGraph graph = new ComputationGraph(configuration(spec));
        graph.init();
        return graph;
    }

    public static ComputationGraphConfiguration configuration(ModelSpec spec) {
        ComputationGraphConfiguration.GraphBuilder builder = spec.updater().configure(new NeuralNetConfiguration.Builder())
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs(LayerWiring.INPUT);

        builder.addLayer(LayerWiring.EMBEDDING, new EmbeddingSequenceLayer.Builder()
                .nIn(spec.vocabSize()).nOut(spec.embeddingSize())
                .inferInputLength(true)
                .outputDataFormat(RNNFormat.NCW)
                .build(), LayerWiring.INPUT);

        for (int layer = 1; layer <= spec.layers(); layer++) {
            String input = joined(builder, LayerWiring.layerName(layer) + "_in", LayerWiring.recurrentInputs(spec, layer));
            builder.addLayer(LayerWiring.layerName(layer), recurrentLayer(spec, layer), input);
            if (spec.connections() == Connections.RESIDUAL) {
                addResidualSum(builder, spec, layer, input);
            }
        }

        String outputInput = joined(builder, LayerWiring.OUTPUT + "_in", LayerWiring.outputInputs(spec));
        RnnOutputLayer.Builder output = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX)
                .nIn(LayerWiring.outputLayerInputSize(spec)).nOut(spec.vocabSize())
                .dataFormat(RNNFormat.NCW);
        withDropout(output, spec);
        builder.addLayer(LayerWiring.OUTPUT, output.build(), outputInput);
        builder.setOutputs(LayerWiring.OUTPUT);
        return builder.build();
    }

    /** Returns a vertex whose output is the concatenation of {@code inputs} (the single input itself if only one). */
    private static String joined(ComputationGraphConfiguration.GraphBuilder builder, String name, List<String> inputs) {
        if (inputs.size() == 1) {
            return inputs.get(0);
        }
        builder.addVertex(name, new MergeVertex(), inputs.toArray(new String[0]));
        return name;
    }

    private static void addResidualSum(ComputationGraphConfiguration.GraphBuilder builder, ModelSpec spec,
                                       int layer, String input) {
        String skip = input;
        if (LayerWiring.needsProjection(spec, layer)) {
            // A linear map without bias: the cheapest way to bring the input to the sum's size.
            skip = LayerWiring.projectionName(layer);
            builder.addLayer(skip, new TimeDistributed(new DenseLayer.Builder()
                    .nIn(LayerWiring.recurrentInputSize(spec, layer)).nOut(spec.hiddenSize())
                    .activation(Activation.IDENTITY).hasBias(false).build(), RNNFormat.NCW), input);
        }
        builder.addVertex(LayerWiring.residualSumName(layer), new ElementWiseVertex(ElementWiseVertex.Op.Add),
                LayerWiring.layerName(layer), skip);
    }

    private static Layer recurrentLayer(ModelSpec spec, int layer) {
        int nIn = LayerWiring.recurrentInputSize(spec, layer);
        int nOut = spec.hiddenSize();
        return RecurrentCells.create(spec.cell(), nIn, nOut, spec.dropout());
    }

    private static void withDropout(Layer.Builder<?> layer, ModelSpec spec) {
        if (spec.dropout() > 0) {
            layer.dropOut(1.0 - spec.dropout()); // DL4J takes the probability of KEEPING an input
        }
    }
}
