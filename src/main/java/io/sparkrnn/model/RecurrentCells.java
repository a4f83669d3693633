package io.sparkrnn.model;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.Activation;

/** One recurrent layer of the requested cell type, NCW, with dropout on its input. */
public final class RecurrentCells {
    private RecurrentCells() { }

    public static Layer create(CellType cell, int nIn, int nOut, double dropout) {
        BaseRecurrentLayer.Builder<?> builder;
        switch (cell) {
            case LSTM:
                // DL4J's LSTM configuration and equations with our fused kernels (FastLstm), several times faster.
                builder = new FastLstm.Builder().activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID);
                break;
            case RNN:
                builder = new SimpleRnn.Builder().activation(Activation.TANH);
                break;
            case GRU:
                builder = new GruLayer.Builder().activation(Activation.TANH);
                break;
            default:
                throw new IllegalStateException(cell.name());
        }
        builder.nIn(nIn).nOut(nOut).dataFormat(RNNFormat.NCW);
        if (dropout > 0) {
            builder.dropOut(1.0 - dropout); // DL4J takes the probability of KEEPING an input
        }
        return builder.build();
    }
}
