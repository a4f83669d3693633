package io.sparkrnn.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our LSTM and GRU kernels hand the installed recorder dL/dh_t once per step, from the last step back, and
 * nothing once the recorder is gone. At the last step only the softmax above reads h_t, so there dL/dh_t must be
 * the softmax's own gradient, (p - y) W^T, computed here by hand.
 */
@ExtendWith(RestoresDefaultDataTypes.class)
class StateGradientProbeTest {
    private static final int VOCAB = 5, EMBEDDING = 3, HIDDEN = 4, BATCH = 2, STEPS = 6;

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "GRU"})
    void recordsTheStateGradientOfEveryStepBackFromTheLast(CellType cell) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph graph = GraphFactory.build(new ModelSpec(VOCAB, EMBEDDING, HIDDEN, 1, cell, Connections.NONE,
                0, new UpdaterSpec("sgd", 1.0, 0), 5), DataType.DOUBLE);
        INDArray tokens = Nd4j.createFromArray(new double[] {1, 2, 3, 4, 0, 1, 4, 3, 2, 1, 0, 4}).reshape(BATCH, 1, STEPS);
        INDArray labels = RecurrentTestSupport.randomOneHot(DataType.DOUBLE, 3, BATCH, VOCAB, STEPS);
        List<Long> steps = new ArrayList<>();
        List<INDArray> gradients = new ArrayList<>();
        StateGradientProbe.recording((step, dh) -> {
            steps.add(step);
            // A copy outside the kernel's workspace, which closes after backprop.
            try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                gradients.add(dh.dup());
            }
        }, () -> {
            graph.setInputs(tokens);
            graph.setLabels(labels);
            graph.computeGradientAndScore();
            return null;
        });
        assertEquals(List.of(5L, 4L, 3L, 2L, 1L, 0L), steps);
        assertArrayEquals(new long[] {BATCH, HIDDEN}, gradients.get(0).shape());

        INDArray h = graph.feedForward(tokens, false).get(LayerWiring.layerName(1));
        INDArray last = h.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(STEPS - 1));
        INDArray w = graph.getParam(LayerWiring.OUTPUT + "_W");
        INDArray p = Transforms.softmax(last.mmul(w).addRowVector(graph.getParam(LayerWiring.OUTPUT + "_b")));
        INDArray y = labels.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(STEPS - 1));
        INDArray expected = p.sub(y).mmul(w.transpose());
        assertTrue(expected.equalsWithEps(gradients.get(0), 1e-10), expected + " vs " + gradients.get(0));
        assertTrue(gradients.get(5).norm2Number().doubleValue() > 0, "the first step's state gets a gradient too");

        int before = steps.size();
        graph.computeGradientAndScore();
        assertEquals(before, steps.size(), "nothing is recorded once the recorder is gone");
    }
}
