package io.sparkrnn.train;

import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.model.CellType;
import io.sparkrnn.model.Connections;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.model.UpdaterSpec;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobalClippingTest {
    static final int V = 9, T = 7, B = 3;

    private static ModelSpec spec(String updater, double lr) {
        return new ModelSpec(V, 5, 6, 3, CellType.LSTM, Connections.DENSE, 0, new UpdaterSpec(updater, lr, 0), 3);
    }

    /** Random tokens and targets of B windows of T: a batch whose gradient is far from zero. */
    static MiniBatch batch(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] inputs = new int[B * T];
        int[] targets = new int[B * T];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = random.nextInt(V);
            targets[i] = random.nextInt(V);
        }
        return new MiniBatch(B, T, inputs, targets);
    }

    /** The raw DL4J gradient of one batch (summed over examples and time), as a detached copy. */
    private static INDArray rawGradient(ComputationGraph graph, MiniBatch batch) {
        org.nd4j.linalg.dataset.MultiDataSet data = BatchTensors.of(batch, V);
        graph.setInputs(data.getFeatures());
        graph.setLabels(data.getLabels());
        graph.computeGradientAndScore();
        return graph.getFlattenedGradients().dup();
    }

    private static double cosine(INDArray a, INDArray b) {
        return a.mul(b).sumNumber().doubleValue() / (a.norm2Number().doubleValue() * b.norm2Number().doubleValue());
    }

    @Test
    void gradientTenTimesOverTheLimitComesOutAtTheLimitWithItsDirection() {
        ComputationGraph graph = GraphFactory.build(spec("sgd", 1.0));
        INDArray g = rawGradient(graph, batch(1));
        double maxNorm = g.norm2Number().doubleValue() / 10;
        INDArray clipped = g.dup();
        GlobalNormClipper.ClipResult result = GlobalNormClipper.clip(clipped, maxNorm);

        assertTrue(result.clipped());
        assertEquals(10 * maxNorm, result.norm(), 1e-6 * result.norm());
        assertEquals(maxNorm, clipped.norm2Number().doubleValue(), 1e-5 * maxNorm);
        assertEquals(1.0, cosine(g, clipped), 1e-6);
    }

    @Test
    void perLayerClippingOfTheSameGradientTurnsItsDirection() {
        // DL4J's own per-layer clipping (ClipL2PerLayer) on the same 3-layer dense graph and batch.
        ModelSpec spec = spec("sgd", 1.0);
        ComputationGraph global = GraphFactory.build(spec);
        ComputationGraphConfiguration perLayerConf = GraphFactory.configuration(spec);
        double maxNorm = rawGradient(global, batch(2)).norm2Number().doubleValue() / B / 10;
        perLayerConf.getVertices().values().forEach(vertex -> {
            if (vertex instanceof org.deeplearning4j.nn.conf.graph.LayerVertex) {
                org.deeplearning4j.nn.conf.layers.Layer layer = ((org.deeplearning4j.nn.conf.graph.LayerVertex) vertex).getLayerConf().getLayer();
                if (layer instanceof BaseLayer) {
                    ((BaseLayer) layer).setGradientNormalization(GradientNormalization.ClipL2PerLayer);
                    ((BaseLayer) layer).setGradientNormalizationThreshold(maxNorm);
                }
            }
        });
        ComputationGraph perLayer = new ComputationGraph(perLayerConf);
        perLayer.init(global.params().dup(), false);

        INDArray g = rawGradient(perLayer, batch(2));
        // DL4J's updater divides by the minibatch, clips each layer, then applies SGD with lr 1.
        perLayer.getUpdater().update(perLayer.gradient(), 0, 0, B, LayerWorkspaceMgr.noWorkspaces());
        INDArray perLayerResult = perLayer.getFlattenedGradients().dup();

        INDArray globalResult = g.div(B);
        GlobalNormClipper.clip(globalResult, maxNorm);

        assertEquals(maxNorm, globalResult.norm2Number().doubleValue(), 1e-5 * maxNorm);
        assertEquals(1.0, cosine(g, globalResult), 1e-6);
        double perLayerCosine = cosine(g, perLayerResult);
        assertTrue(perLayerCosine < 0.99, "per-layer clipping should turn the gradient, cosine " + perLayerCosine);
        assertTrue(perLayerResult.norm2Number().doubleValue() > maxNorm * 1.1,
                "per-layer clipping lets the whole gradient exceed the limit: " + perLayerResult.norm2Number());
    }

    @Test
    void trainingStepAppliesTheClippedPerTokenMeanGradient() {
        double lr = 0.5;
        ModelSpec spec = spec("sgd", lr);
        MiniBatch batch = batch(3);
        ComputationGraph reference = GraphFactory.build(spec);
        INDArray before = reference.params().dup();
        INDArray meanGradient = rawGradient(reference, batch).div((double) B * T);
        double maxNorm = meanGradient.norm2Number().doubleValue() / 4;

        ReplicaTrainer trainer = new ReplicaTrainer(GraphFactory.build(spec), spec, maxNorm, T);
        trainer.load(before, null, 0);
        StepStats stats = trainer.step(batch);
        INDArray applied = trainer.params().sub(before).div(-lr);

        assertTrue(stats.clipped());
        assertEquals(4 * maxNorm, stats.gradNorm(), 1e-5 * stats.gradNorm());
        assertEquals(maxNorm, applied.norm2Number().doubleValue(), 1e-4 * maxNorm);
        assertEquals(1.0, cosine(meanGradient, applied), 1e-5);
        assertEquals(reference.score() / T, stats.lossSum() / stats.tokens(), 1e-5);
    }

    @Test
    void unclippedStepIsPlainSgdOnTheMeanGradient() {
        double lr = 0.1;
        ModelSpec spec = spec("sgd", lr);
        MiniBatch batch = batch(4);
        ComputationGraph reference = GraphFactory.build(spec);
        INDArray before = reference.params().dup();
        INDArray expected = before.sub(rawGradient(reference, batch).div((double) B * T).mul(lr));

        ReplicaTrainer trainer = new ReplicaTrainer(GraphFactory.build(spec), spec, 1e9, T);
        trainer.load(before, null, 0);
        assertTrue(!trainer.step(batch).clipped());
        assertEquals(0, trainer.params().sub(expected).amaxNumber().doubleValue(), 1e-6);
    }

    @Test
    void initialLossIsAboutLogVocabularySize() {
        ModelSpec spec = spec("adam", 1e-3);
        ReplicaTrainer trainer = new ReplicaTrainer(GraphFactory.build(spec), spec, 1.0, T);
        StepStats stats = trainer.step(batch(5));
        assertEquals(Math.log(V), stats.lossSum() / stats.tokens(), 0.3);
        assertEquals(B * T, stats.tokens());
    }
}
