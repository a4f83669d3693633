package io.sparkrnn.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The layers after the encoder: a softmax over the vocabulary at every step (language model), or pooling over
 * time and one softmax over the labels per sequence (classifier). Both pool only unmasked steps, so padded
 * lines of different lengths are scored on their own characters.
 */
final class ModelHeads {
    private ModelHeads() { }

    /** Adds the spec's head reading {@code encoderOutput}, named {@link LayerWiring#OUTPUT}. */
    static void addTo(GraphBuilder builder, ModelSpec spec, String encoderOutput) {
        int nIn = LayerWiring.outputLayerInputSize(spec);
        switch (spec.pooling()) {
            case NONE:
                addSoftmax(builder, spec, new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .dataFormat(RNNFormat.NCW).nIn(nIn), encoderOutput);
                return;
            case LAST:
                if (spec.directions().bidirectional()) {
                    addBothEnds(builder, encoderOutput);
                    nIn *= 2;
                } else {
                    // The mask of the network input tells which step is each line's last character.
                    builder.addVertex(LayerWiring.POOLED, new LastTimeStepVertex(LayerWiring.INPUT), encoderOutput);
                }
                break;
            case MEAN:
                // GlobalPoolingLayer reads the feature mask propagated through the encoder: padding is not averaged.
                builder.addLayer(LayerWiring.POOLED, new GlobalPoolingLayer.Builder(PoolingType.AVG)
                        .collapseDimensions(true).build(), encoderOutput);
                break;
            default:
                throw new IllegalStateException(spec.pooling().name());
        }
        addSoftmax(builder, spec, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nIn),
                LayerWiring.POOLED);
    }

    /**
     * Last-step pooling of a bidirectional encoder: the backward direction has read the whole line at the line's
     * FIRST step and only its last character at the last step, so the head sees both ends (each step's features
     * of both directions), not just the last step, where the backward half would know one character.
     */
    private static void addBothEnds(GraphBuilder builder, String encoderOutput) {
        String lastStep = LayerWiring.POOLED + "_last";
        String reversed = LayerWiring.POOLED + "_reversed";
        String firstStep = LayerWiring.POOLED + "_first";
        builder.addVertex(lastStep, new LastTimeStepVertex(LayerWiring.INPUT), encoderOutput);
        // Reverses each line's characters in place, padding staying at the end: its last step is the first one.
        builder.addVertex(reversed, new ReverseTimeSeriesVertex(LayerWiring.INPUT), encoderOutput);
        builder.addVertex(firstStep, new LastTimeStepVertex(LayerWiring.INPUT), reversed);
        builder.addVertex(LayerWiring.POOLED, new MergeVertex(), lastStep, firstStep);
    }

    private static void addSoftmax(GraphBuilder builder, ModelSpec spec, BaseOutputLayer.Builder<?> output,
                                   String input) {
        output.activation(Activation.SOFTMAX).nOut(spec.outputSize());
        if (spec.dropout() > 0) {
            output.dropOut(1.0 - spec.dropout()); // DL4J takes the probability of KEEPING an input
        }
        builder.addLayer(LayerWiring.OUTPUT, output.build(), input);
    }
}
