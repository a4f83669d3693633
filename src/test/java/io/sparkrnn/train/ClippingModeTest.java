package io.sparkrnn.train;

import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.model.CellType;
import io.sparkrnn.model.Clipping;
import io.sparkrnn.model.Connections;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.model.UpdaterSpec;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * train.clipping on one SGD step (learning rate 1, so the step is the applied gradient) of a 3-layer stack, from
 * the same initial parameters and batch: none leaves the gradient alone, global scales all of it to the limit,
 * perLayer (DL4J's ClipL2PerLayer) limits each layer's part on its own.
 */
class ClippingModeTest {
    private static final int V = GlobalClippingTest.V, T = GlobalClippingTest.T;
    private static final MiniBatch BATCH = GlobalClippingTest.batch(5);

    private static ReplicaTrainer trainer(Clipping clipping, double limit) {
        ModelSpec spec = new ModelSpec(V, 5, 6, 3, CellType.RNN, Connections.NONE, 0,
                new UpdaterSpec("sgd", 1.0, 0, clipping, limit), 3);
        return new ReplicaTrainer(GraphFactory.build(spec), spec, limit, T);
    }

    /** Parameters before minus after one step: the applied (clipped) per-token gradient. */
    private static INDArray step(ReplicaTrainer trainer) {
        INDArray before = trainer.params().dup();
        trainer.step(BATCH);
        return before.sub(trainer.params());
    }

    @Test
    void noneAppliesTheWholeGradientAndStillMeasuresItsNorm() {
        ReplicaTrainer trainer = trainer(Clipping.NONE, 1e-6);
        INDArray before = trainer.params().dup();
        StepStats stats = trainer.step(BATCH);
        double applied = before.sub(trainer.params()).norm2Number().doubleValue();
        assertFalse(stats.clipped());
        assertEquals(stats.gradNorm(), applied, 1e-4 * applied, "the step is the unclipped gradient");
        assertTrue(applied > 1e3 * 1e-6);
    }

    @Test
    void globalScalesAllParametersToTheLimitAndPerLayerEachLayer() {
        double raw = step(trainer(Clipping.NONE, 1.0)).norm2Number().doubleValue();
        double limit = raw / 10;

        INDArray global = step(trainer(Clipping.GLOBAL, limit));
        assertEquals(limit, global.norm2Number().doubleValue(), 1e-4 * limit);

        ReplicaTrainer perLayerTrainer = trainer(Clipping.PER_LAYER, limit);
        ComputationGraph graph = perLayerTrainer.graph();
        INDArray before = graph.params().dup();
        Map<String, INDArray> layersBefore = new LinkedHashMap<>();
        for (Layer layer : graph.getLayers()) {
            if (layer.numParams() > 0) {
                layersBefore.put(layer.getConfig().getLayerName(), layer.params().dup());
            }
        }
        perLayerTrainer.step(BATCH);
        for (Map.Entry<String, INDArray> layer : layersBefore.entrySet()) {
            double layerStep = layer.getValue().sub(graph.getLayer(layer.getKey()).params()).norm2Number().doubleValue();
            assertTrue(layerStep <= limit * (1 + 1e-4), layer.getKey() + " stepped " + layerStep + ", limit " + limit);
        }
        INDArray perLayer = before.sub(graph.params());
        assertTrue(perLayer.norm2Number().doubleValue() > limit * (1 + 1e-3), "several layers carry a step of their own");
        double cosine = perLayer.mul(global).sumNumber().doubleValue()
                / (perLayer.norm2Number().doubleValue() * global.norm2Number().doubleValue());
        assertTrue(cosine < 0.999, "per-layer clipping turns the gradient, cosine " + cosine);
    }
}
