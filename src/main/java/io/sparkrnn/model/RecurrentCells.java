package io.sparkrnn.model;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.Activation;

/**
 * One recurrent layer as the spec says: its cell, NCW, dropout on its input, wrapped in DL4J's
 * {@link Bidirectional} when the spec reads both ways (the wrapper runs a second copy of the cell on the
 * time-reversed input and mask, and reverses its output back).
 */
public final class RecurrentCells {
    private RecurrentCells() { }

    public static Layer create(ModelSpec spec, int nIn) {
        Layer cell = cell(spec, nIn);
        switch (spec.directions()) {
            case FORWARD:
                return cell;
            case CONCAT:
                return new Bidirectional(Bidirectional.Mode.CONCAT, cell);
            case ADD:
                return new Bidirectional(Bidirectional.Mode.ADD, cell);
            default:
                throw new IllegalStateException(spec.directions().name());
        }
    }

    private static Layer cell(ModelSpec spec, int nIn) {
        BaseRecurrentLayer.Builder<?> builder;
        switch (spec.cell()) {
            case LSTM:
                // DL4J's LSTM configuration and equations with our fused kernels (FastLstm), several times faster.
                builder = new FastLstm.Builder().forgetGateBiasInit(spec.lstmForgetBias())
                        .activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID);
                break;
            case RNN:
                builder = new SimpleRnn.Builder().activation(Activation.TANH);
                break;
            case GRU:
                builder = new GruLayer.Builder().activation(Activation.TANH);
                break;
            default:
                throw new IllegalStateException(spec.cell().name());
        }
        builder.nIn(nIn).nOut(spec.hiddenSize()).dataFormat(RNNFormat.NCW);
        if (spec.dropout() > 0) {
            builder.dropOut(1.0 - spec.dropout()); // DL4J takes the probability of KEEPING an input
        }
        return builder.build();
    }
}
