package io.sparkrnn.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.nd4j.linalg.activations.Activation;

import java.util.List;

/**
 * The part every model shares: character embedding, then the spec's recurrent stack (cell, depth, connections,
 * directions). Its output, {@link LayerWiring#outputInputs} concatenated, is what a head reads: NCW,
 * {@link LayerWiring#outputLayerInputSize} features per step.
 */
final class RecurrentEncoder {
    private RecurrentEncoder() { }

    /** Adds the encoder after {@link LayerWiring#INPUT} and returns the name of the vertex carrying its output. */
    static String addTo(GraphBuilder builder, ModelSpec spec, String outputName) {
        builder.addLayer(LayerWiring.EMBEDDING, new EmbeddingSequenceLayer.Builder()
                .nIn(spec.vocabSize()).nOut(spec.embeddingSize())
                .inferInputLength(true)
                .outputDataFormat(RNNFormat.NCW)
                .build(), LayerWiring.INPUT);

        for (int layer = 1; layer <= spec.layers(); layer++) {
            String input = joined(builder, LayerWiring.layerName(layer) + "_in", LayerWiring.recurrentInputs(spec, layer));
            builder.addLayer(LayerWiring.layerName(layer),
                    RecurrentCells.create(spec, LayerWiring.recurrentInputSize(spec, layer)), input);
            if (spec.connections() == Connections.RESIDUAL) {
                addResidualSum(builder, spec, layer, input);
            }
        }
        return joined(builder, outputName, LayerWiring.outputInputs(spec));
    }

    /** Returns a vertex whose output is the concatenation of {@code inputs} (the single input itself if only one). */
    private static String joined(GraphBuilder builder, String name, List<String> inputs) {
        if (inputs.size() == 1) {
            return inputs.get(0);
        }
        builder.addVertex(name, new MergeVertex(), inputs.toArray(new String[0]));
        return name;
    }

    private static void addResidualSum(GraphBuilder builder, ModelSpec spec, int layer, String input) {
        String skip = input;
        if (LayerWiring.needsProjection(spec, layer)) {
            // A linear map without bias: the cheapest way to bring the input to the sum's size.
            skip = LayerWiring.projectionName(layer);
            builder.addLayer(skip, new TimeDistributed(new DenseLayer.Builder()
                    .nIn(LayerWiring.recurrentInputSize(spec, layer)).nOut(spec.layerOutputSize())
                    .activation(Activation.IDENTITY).hasBias(false).build(), RNNFormat.NCW), input);
        }
        builder.addVertex(LayerWiring.residualSumName(layer), new ElementWiseVertex(ElementWiseVertex.Op.Add),
                LayerWiring.layerName(layer), skip);
    }
}
