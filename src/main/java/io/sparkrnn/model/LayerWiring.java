package io.sparkrnn.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Which vertices feed each layer, and so each layer's input size, for every connection mode.
 * Kept apart from the DL4J builder so the design's sizes can be read and tested in one place. A layer's output
 * is {@link ModelSpec#layerOutputSize()} wide: the hidden size, doubled for concatenated bidirectional layers.
 */
public final class LayerWiring {
    public static final String INPUT = "tokens";
    public static final String EMBEDDING = "embedding";
    public static final String OUTPUT = "softmax";
    /** The classifier's pooled encoder output. */
    public static final String POOLED = "pooled";

    private LayerWiring() { }

    public static String layerName(int layer) { return "rnn" + layer; }

    /** Vertex whose output is the running sum after layer {@code layer} in residual mode. */
    public static String residualSumName(int layer) { return "residual" + layer; }

    public static String projectionName(int layer) { return "projection" + layer; }

    /** Vertex whose output is the highway mix T * H(x) + (1 - T) * x after layer {@code layer}. */
    public static String highwayName(int layer) { return "highway" + layer; }

    /** The transform gate T of highway layer {@code layer}: a sigmoid layer reading the layer's input. */
    public static String highwayGateName(int layer) { return "gate" + layer; }

    /** Vertex whose output runs on from layer {@code layer}: its output, or the residual sum or highway mix. */
    private static String carried(ModelSpec spec, int layer) {
        switch (spec.connections()) {
            case RESIDUAL:
                return residualSumName(layer);
            case HIGHWAY:
                return highwayName(layer);
            default:
                return layerName(layer);
        }
    }

    /** Vertices whose outputs, concatenated, are the input of recurrent layer {@code layer} (1-based). */
    public static List<String> recurrentInputs(ModelSpec spec, int layer) {
        switch (spec.connections()) {
            case NONE:
            case RESIDUAL:
            case HIGHWAY:
                return List.of(layer == 1 ? EMBEDDING : carried(spec, layer - 1));
            case DENSE:
                List<String> inputs = new ArrayList<>();
                inputs.add(EMBEDDING);
                for (int earlier = 1; earlier < layer; earlier++) {
                    inputs.add(layerName(earlier));
                }
                return inputs;
            default:
                throw new IllegalStateException(spec.connections().name());
        }
    }

    public static int recurrentInputSize(ModelSpec spec, int layer) {
        switch (spec.connections()) {
            case DENSE:
                return spec.embeddingSize() + (layer - 1) * spec.layerOutputSize();
            case NONE:
            case RESIDUAL:
            case HIGHWAY:
                return layer == 1 ? spec.embeddingSize() : spec.layerOutputSize();
            default:
                throw new IllegalStateException(spec.connections().name());
        }
    }

    /** Vertices feeding the head (the softmax of a language model, the pooling of a classifier). */
    public static List<String> outputInputs(ModelSpec spec) {
        switch (spec.connections()) {
            case NONE:
            case RESIDUAL:
            case HIGHWAY:
                return List.of(carried(spec, spec.layers()));
            case DENSE:
                List<String> inputs = new ArrayList<>();
                for (int layer = 1; layer <= spec.layers(); layer++) {
                    inputs.add(layerName(layer));
                }
                return inputs;
            default:
                throw new IllegalStateException(spec.connections().name());
        }
    }

    public static int outputLayerInputSize(ModelSpec spec) {
        return spec.connections() == Connections.DENSE ? spec.layers() * spec.layerOutputSize() : spec.layerOutputSize();
    }

    /**
     * In residual and highway mode, whether layer {@code layer}'s input must be projected to the layer's output
     * size before it is added to (or mixed with) the layer's output.
     */
    public static boolean needsProjection(ModelSpec spec, int layer) {
        boolean skips = spec.connections() == Connections.RESIDUAL || spec.connections() == Connections.HIGHWAY;
        return skips && recurrentInputSize(spec, layer) != spec.layerOutputSize();
    }
}
