package io.sparkrnn.model;

import java.util.Locale;

/** How stacked recurrent layers are joined. */
public enum Connections {
    /** Each layer reads the previous layer's output. */
    NONE,
    /** Each layer's output is added to its input (projected where sizes differ): the next layer reads the sum. */
    RESIDUAL,
    /** DenseNet-style: each layer reads the embedding and every earlier layer's output, concatenated. */
    DENSE,
    /**
     * HighwayNet-style: y = T * H(x) + (1 - T) * x, where H is the layer, T = sigmoid(W_T x + b_T) its transform
     * gate (x projected where sizes differ); the next layer reads y.
     */
    HIGHWAY;

    public static Connections parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
