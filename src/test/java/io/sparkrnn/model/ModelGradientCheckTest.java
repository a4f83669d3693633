package io.sparkrnn.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.sparkrnn.model.RecurrentTestSupport.checkGradients;
import static io.sparkrnn.model.RecurrentTestSupport.mask;
import static io.sparkrnn.model.RecurrentTestSupport.randomOneHot;
import static io.sparkrnn.model.RecurrentTestSupport.randomizeParams;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference gradient checks (double precision, DL4J's GradientCheckUtil, settings as in
 * GruGradientCheckTest) of whole models built by {@link GraphFactory}: every cell under every connection mode,
 * bidirectional in both merge modes (highway in every cell and merge mode), and the classifier head with both
 * poolings on masked, variable-length lines.
 * Two layers with embedding size != hidden size, so residual stacks include a projection.
 */
@ExtendWith(RestoresDefaultDataTypes.class)
class ModelGradientCheckTest {
    private static final int VOCAB = 4, EMBEDDING = 3, HIDDEN = 2, LAYERS = 2, LABELS = 3;
    private static final int BATCH = 3, STEPS = 4;
    /** Trailing padding of different lengths, as the classifier's lines have. */
    private static final double[][] LINE_MASK = {{1, 1, 1, 1}, {1, 1, 1, 0}, {1, 0, 0, 0}};

    @BeforeEach
    void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    static Stream<Arguments> cellsAndConnections() {
        List<Arguments> cases = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (Connections connections : Connections.values()) {
                cases.add(Arguments.of(cell, connections));
            }
        }
        return cases.stream();
    }

    /** Each cell in both merge modes; the connection modes rotate so each meets each merge mode once. */
    static Stream<Arguments> bidirectionalCases() {
        List<Arguments> cases = new ArrayList<>();
        Connections[] connections = Connections.values();
        int i = 0;
        for (CellType cell : CellType.values()) {
            for (Directions merge : List.of(Directions.CONCAT, Directions.ADD)) {
                cases.add(Arguments.of(cell, merge, connections[i++ % connections.length]));
            }
        }
        return cases.stream();
    }

    /** Highway stacks, the newest mode, in every cell and merge mode (the rotation above meets it only twice). */
    static Stream<Arguments> highwayBidirectionalCases() {
        List<Arguments> cases = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (Directions merge : List.of(Directions.CONCAT, Directions.ADD)) {
                cases.add(Arguments.of(cell, merge, Connections.HIGHWAY));
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> classifierCases() {
        List<Arguments> cases = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            cases.add(Arguments.of(cell, Pooling.LAST, Directions.FORWARD, Connections.DENSE));
            cases.add(Arguments.of(cell, Pooling.MEAN, Directions.CONCAT, Connections.DENSE));
            // both ends of the line: a reversal vertex
            cases.add(Arguments.of(cell, Pooling.LAST, Directions.ADD, Connections.DENSE));
            cases.add(Arguments.of(cell, Pooling.MEAN, Directions.CONCAT, Connections.HIGHWAY));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cellsAndConnections")
    void languageModel(CellType cell, Connections connections) {
        ComputationGraph graph = build(spec(cell, connections));
        assertTrue(checkGradients(graph, tokens(21), randomOneHot(DataType.DOUBLE, 22, BATCH, VOCAB, STEPS), null, null));
    }

    /** The per-step head of a bidirectional stack (the model config rejects it for task = lm, the graph is sound). */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource({"bidirectionalCases", "highwayBidirectionalCases"})
    void bidirectionalStack(CellType cell, Directions merge, Connections connections) {
        ComputationGraph graph = build(spec(cell, connections).withDirections(merge));
        assertTrue(checkGradients(graph, tokens(25), randomOneHot(DataType.DOUBLE, 26, BATCH, VOCAB, STEPS), null, null));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("classifierCases")
    void classifierOnMaskedLines(CellType cell, Pooling pooling, Directions directions, Connections connections) {
        ComputationGraph graph = build(spec(cell, connections).withDirections(directions)
                .classifier(pooling, LABELS));
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, LABELS);
        for (int i = 0; i < BATCH; i++) {
            labels.putScalar(i, i % LABELS, 1.0);
        }
        assertTrue(checkGradients(graph, tokens(27), labels, mask(DataType.DOUBLE, LINE_MASK), null));
    }

    /** What makes the classifier's masks worth having: characters past a line's end change nothing. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(CellType.class)
    void classifierIgnoresPaddingWithEitherPoolingAndDirection(CellType cell) {
        for (Pooling pooling : List.of(Pooling.LAST, Pooling.MEAN)) {
            for (Directions directions : Directions.values()) {
                Connections connections = directions == Directions.ADD ? Connections.HIGHWAY : Connections.RESIDUAL;
                ComputationGraph graph = build(spec(cell, connections).withDirections(directions)
                        .classifier(pooling, LABELS));
                INDArray m = mask(DataType.DOUBLE, LINE_MASK);
                INDArray x = tokens(28);
                INDArray otherPadding = x.dup();
                for (int i = 0; i < BATCH; i++) {
                    for (int t = 0; t < STEPS; t++) {
                        if (LINE_MASK[i][t] == 0) {
                            otherPadding.putScalar(new long[]{i, 0, t}, (x.getDouble(i, 0, t) + 1) % VOCAB);
                        }
                    }
                }
                INDArray[] masks = {m};
                double[] expected = graph.output(false, new INDArray[]{x}, masks)[0].data().asDouble();
                double[] actual = graph.output(false, new INDArray[]{otherPadding}, masks)[0].data().asDouble();
                assertArrayEquals(expected, actual, 1e-12, cell + " " + pooling + " " + directions);
            }
        }
    }

    private static ModelSpec spec(CellType cell, Connections connections) {
        // sgd with rate 1: GradientCheckUtil accepts no other updater that changes nothing between its passes.
        return new ModelSpec(VOCAB, EMBEDDING, HIDDEN, LAYERS, cell, connections, 0, new UpdaterSpec("sgd", 1.0, 0), 7);
    }

    private static ComputationGraph build(ModelSpec spec) {
        ComputationGraph graph = GraphFactory.build(spec, DataType.DOUBLE);
        // U(-1, 1) instead of the initialisation, so biases are non-zero and every gate is exercised.
        randomizeParams(graph.params(), 31);
        return graph;
    }

    /** Token indices [BATCH, 1, STEPS], as the embedding reads them. */
    private static INDArray tokens(long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, BATCH, 1, STEPS);
        for (int i = 0; i < BATCH; i++) {
            for (int t = 0; t < STEPS; t++) {
                x.putScalar(new long[]{i, 0, t}, r.nextInt(VOCAB));
            }
        }
        return x;
    }
}
