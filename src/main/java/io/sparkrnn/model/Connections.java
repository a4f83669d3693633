package io.sparkrnn.model;

import java.util.Locale;

/** How stacked recurrent layers are joined. */
public enum Connections {
    /** Each layer reads the previous layer's output. */
    NONE,
    /** Each layer's output is added to its input (projected where sizes differ): the next layer reads the sum. */
    RESIDUAL,
    /** DenseNet-style: each layer reads the embedding and every earlier layer's output, concatenated. */
    DENSE;

    public static Connections parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
