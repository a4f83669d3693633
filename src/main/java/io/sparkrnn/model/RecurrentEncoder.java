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
            } else if (spec.connections() == Connections.HIGHWAY) {
                addHighway(builder, spec, layer, input);
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
        builder.addVertex(LayerWiring.residualSumName(layer), new ElementWiseVertex(ElementWiseVertex.Op.Add),
                LayerWiring.layerName(layer), skip(builder, spec, layer, input));
    }

    /**
     * y = T * H(x) + (1 - T) * x, built as x + T * (H(x) - x) from DL4J's element-wise vertices (so DL4J's own
     * backprop and masks apply), with the transform gate T = sigmoid(W_T x + b_T) a per-step dense layer
     * reading the layer's input x; x is projected where its size differs from the layer's output.
     */
    private static void addHighway(GraphBuilder builder, ModelSpec spec, int layer, String input) {
        String carry = skip(builder, spec, layer, input);
        String gate = LayerWiring.highwayGateName(layer);
        builder.addLayer(gate, new TimeDistributed(new DenseLayer.Builder()
                .nIn(LayerWiring.recurrentInputSize(spec, layer)).nOut(spec.layerOutputSize())
                .activation(Activation.SIGMOID).biasInit(spec.highwayGateBias()).build(), RNNFormat.NCW), input);
        String change = LayerWiring.highwayName(layer) + "_change";
        String gated = LayerWiring.highwayName(layer) + "_gated";
        builder.addVertex(change, new ElementWiseVertex(ElementWiseVertex.Op.Subtract),
                LayerWiring.layerName(layer), carry);
        builder.addVertex(gated, new ElementWiseVertex(ElementWiseVertex.Op.Product), gate, change);
        builder.addVertex(LayerWiring.highwayName(layer), new ElementWiseVertex(ElementWiseVertex.Op.Add),
                carry, gated);
    }

    /** The layer's input as the skip path adds it: itself, or projected to the layer's output size. */
    private static String skip(GraphBuilder builder, ModelSpec spec, int layer, String input) {
        if (!LayerWiring.needsProjection(spec, layer)) {
            return input;
        }
        // A linear map without bias: the cheapest way to bring the input to the layer's output size.
        String projection = LayerWiring.projectionName(layer);
        builder.addLayer(projection, new TimeDistributed(new DenseLayer.Builder()
                .nIn(LayerWiring.recurrentInputSize(spec, layer)).nOut(spec.layerOutputSize())
                .activation(Activation.IDENTITY).hasBias(false).build(), RNNFormat.NCW), input);
        return projection;
    }
}
