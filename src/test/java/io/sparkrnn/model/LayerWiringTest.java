package io.sparkrnn.model;

import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built DL4J graphs have the layer input sizes the design states, for each connection mode. */
class LayerWiringTest {
    private static final int V = 11, E = 6, H = 8, L = 4;

    private static ModelSpec spec(Connections connections) {
        return new ModelSpec(V, E, H, L, CellType.LSTM, connections, 0, new UpdaterSpec("sgd", 0.1, 0), 1);
    }

    private static long nIn(ComputationGraph graph, String layer) {
        Layer conf = graph.getLayer(layer).conf().getLayer();
        return conf instanceof Bidirectional ? ((Bidirectional) conf).getNIn() : ((FeedForwardLayer) conf).getNIn();
    }

    @Test
    void plainStackFeedsEachLayerThePreviousOne() {
        ComputationGraph graph = GraphFactory.build(spec(Connections.NONE));
        assertEquals(E, nIn(graph, "rnn1"));
        for (int layer = 2; layer <= L; layer++) {
            assertEquals(H, nIn(graph, "rnn" + layer));
            assertEquals(List.of("rnn" + (layer - 1)), graph.getConfiguration().getVertexInputs().get("rnn" + layer));
        }
        assertEquals(H, nIn(graph, "softmax"));
        assertForwardShape(graph);
    }

    @Test
    void denseLayerSeesEmbeddingAndEveryEarlierLayerAndSoftmaxSeesAllLayers() {
        ComputationGraph graph = GraphFactory.build(spec(Connections.DENSE));
        for (int layer = 1; layer <= L; layer++) {
            assertEquals(E + (layer - 1) * H, nIn(graph, "rnn" + layer), "rnn" + layer);
        }
        assertEquals(List.of("embedding", "rnn1", "rnn2"), graph.getConfiguration().getVertexInputs().get("rnn3_in"));
        assertEquals(L * H, nIn(graph, "softmax"));
        assertEquals(List.of("rnn1", "rnn2", "rnn3", "rnn4"), graph.getConfiguration().getVertexInputs().get("softmax_in"));
        assertForwardShape(graph);
    }

    @Test
    void residualAddsEachLayersInputProjectedWhereSizesDiffer() {
        ComputationGraph graph = GraphFactory.build(spec(Connections.RESIDUAL));
        assertEquals(E, nIn(graph, "rnn1"));
        assertEquals(List.of("rnn1", "projection1"), graph.getConfiguration().getVertexInputs().get("residual1"));
        for (int layer = 2; layer <= L; layer++) {
            assertEquals(H, nIn(graph, "rnn" + layer));
            assertEquals(List.of("residual" + (layer - 1)), graph.getConfiguration().getVertexInputs().get("rnn" + layer));
            assertEquals(List.of("rnn" + layer, "residual" + (layer - 1)),
                    graph.getConfiguration().getVertexInputs().get("residual" + layer));
        }
        assertFalse(graph.getConfiguration().getVertices().containsKey("projection2"));
        assertEquals(H, nIn(graph, "softmax"));
        assertForwardShape(graph);
        // With E == H there is nothing to project.
        ModelSpec square = new ModelSpec(V, H, H, 2, CellType.RNN, Connections.RESIDUAL, 0, new UpdaterSpec("sgd", 0.1, 0), 1);
        assertFalse(GraphFactory.build(square).getConfiguration().getVertices().containsKey("projection1"));
    }

    @Test
    void highwayMixesEachLayersOutputWithItsProjectedInputThroughAGateReadingTheInput() {
        ComputationGraph graph = GraphFactory.build(spec(Connections.HIGHWAY));
        Map<String, List<String>> inputs = graph.getConfiguration().getVertexInputs();
        assertEquals(List.of("embedding"), inputs.get("gate1"));
        assertEquals(E, nIn(graph, "gate1"));
        assertEquals(List.of("projection1", "highway1_gated"), inputs.get("highway1"));
        assertEquals(List.of("gate1", "highway1_change"), inputs.get("highway1_gated"));
        assertEquals(List.of("rnn1", "projection1"), inputs.get("highway1_change"));
        for (int layer = 2; layer <= L; layer++) {
            assertEquals(List.of("highway" + (layer - 1)), inputs.get("rnn" + layer));
            assertEquals(List.of("highway" + (layer - 1)), inputs.get("gate" + layer));
            assertEquals(List.of("highway" + (layer - 1), "highway" + layer + "_gated"), inputs.get("highway" + layer));
        }
        assertFalse(graph.getConfiguration().getVertices().containsKey("projection2"));
        assertEquals(List.of("highway" + L), inputs.get("softmax"));
        assertForwardShape(graph);
    }

    @Test
    void highwayGateBiasIsInitialisedAsConfiguredAndDecidesWhatPasses() {
        ModelSpec highway = spec(Connections.HIGHWAY);
        INDArray bias = GraphFactory.build(highway).getLayer("gate2").getParam("b");
        assertEquals(H, bias.length());
        assertEquals(-2.0, bias.minNumber().doubleValue());
        assertEquals(-2.0, bias.maxNumber().doubleValue());
        // A gate shut by its bias carries the (projected) input; one wide open passes the layer's output.
        INDArray tokens = Nd4j.createFromArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).reshape(2, 1, 5);
        ComputationGraph shut = GraphFactory.build(highway.withHighwayGateBias(-60));
        Map<String, INDArray> a = shut.feedForward(tokens, false);
        assertArrayEquals(values(a.get("projection1")), values(a.get("highway1")), 1e-6f);
        assertArrayEquals(values(a.get("highway1")), values(a.get("highway2")), 1e-6f);
        ComputationGraph open = GraphFactory.build(highway.withHighwayGateBias(60));
        Map<String, INDArray> b = open.feedForward(tokens, false);
        assertArrayEquals(values(b.get("rnn3")), values(b.get("highway3")), 1e-6f);
    }

    /** The array's values in row-major order of its shape (a permuted view's buffer is in another order). */
    private static float[] values(INDArray array) {
        return array.dup('c').data().asFloat();
    }

    @Test
    void concatenatedBidirectionalLayersDoubleEveryLayerOutput() {
        ModelSpec dense = spec(Connections.DENSE).withDirections(Directions.CONCAT);
        ComputationGraph graph = GraphFactory.build(dense);
        for (int layer = 1; layer <= L; layer++) {
            assertEquals(E + (layer - 1) * 2 * H, nIn(graph, "rnn" + layer), "rnn" + layer);
        }
        assertEquals(L * 2 * H, nIn(graph, "softmax"));
        assertForwardShape(graph);

        ComputationGraph residual = GraphFactory.build(spec(Connections.RESIDUAL).withDirections(Directions.CONCAT));
        assertEquals(2 * H, nIn(residual, "rnn2"));
        assertEquals(2 * H, ((FeedForwardLayer) residual.getLayer("projection1").conf().getLayer()).getNOut());
        assertForwardShape(residual);

        ComputationGraph highway = GraphFactory.build(spec(Connections.HIGHWAY).withDirections(Directions.CONCAT));
        assertEquals(2 * H, nIn(highway, "rnn2"));
        assertEquals(2 * H, ((FeedForwardLayer) highway.getLayer("gate2").conf().getLayer()).getNOut());
        assertForwardShape(highway);
    }

    @Test
    void addedBidirectionalLayersKeepTheHiddenSize() {
        ComputationGraph graph = GraphFactory.build(spec(Connections.NONE).withDirections(Directions.ADD));
        assertEquals(H, nIn(graph, "rnn2"));
        assertEquals(H, nIn(graph, "softmax"));
        assertForwardShape(graph);
    }

    @Test
    void classifierPoolsTheEncoderIntoOneSoftmaxPerLine() {
        for (Pooling pooling : new Pooling[] {Pooling.LAST, Pooling.MEAN}) {
            ComputationGraph graph = GraphFactory.build(spec(Connections.DENSE).classifier(pooling, 3));
            assertEquals(L * H, nIn(graph, "softmax"));
            assertEquals(List.of("pooled"), graph.getConfiguration().getVertexInputs().get("softmax"));
            INDArray tokens = Nd4j.createFromArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).reshape(2, 1, 5);
            INDArray out = graph.outputSingle(tokens);
            assertArrayEquals(new long[] {2, 3}, out.shape());
            assertEquals(1.0, out.sum(1).getDouble(0), 1e-5, "softmax over the labels sums to 1");
        }
    }

    @Test
    void lstmForgetGateBiasIsInitialisedAsConfigured() {
        ComputationGraph graph = GraphFactory.build(spec(Connections.NONE).withLstmForgetBias(3.0));
        // DL4J's LSTM bias is [1, 4H] in gate order a | f | o | g: the forget block is the second.
        INDArray bias = graph.getLayer("rnn1").getParam("b");
        assertEquals(4 * H, bias.length());
        for (int unit = 0; unit < 4 * H; unit++) {
            assertEquals(unit >= H && unit < 2 * H ? 3.0 : 0.0, bias.getDouble(unit), "bias " + unit);
        }
    }

    @Test
    void flopCountFollowsTheDocumentedFormula() {
        ModelSpec lstm = new ModelSpec(84, 64, 256, 3, CellType.LSTM, Connections.NONE, 0, new UpdaterSpec("adam", 1e-3, 0), 1);
        double expected = 24.0 * 256 * (64 + 256) + 2 * 24.0 * 256 * 512 + 6.0 * 256 * 84;
        assertEquals(expected, lstm.trainingFlopsPerToken(), 1e-6);
    }

    private static void assertForwardShape(ComputationGraph graph) {
        INDArray tokens = Nd4j.createFromArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).reshape(2, 1, 5);
        INDArray out = graph.outputSingle(tokens);
        assertArrayEquals(new long[] {2, V, 5}, out.shape());
        assertTrue(Math.abs(out.sum(1).getDouble(0, 0) - 1.0) < 1e-5, "softmax over the vocabulary sums to 1");
    }
}
