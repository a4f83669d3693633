package io.sparkrnn.model;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.util.function.BiFunction;

import static io.sparkrnn.model.RecurrentTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link FastLstm} against DL4J's own LSTM (same parameters, same outputs, same gradients, same training steps) and
 * against finite differences in double precision (settings as in DL4J's LSTMGradientCheckTests).
 */
@ExtendWith(RestoresDefaultDataTypes.class)
class FastLstmTest {

    private static final double EPS = 1e-6;
    private static final double MAX_REL_ERROR = 1e-3;
    private static final double MIN_ABS_ERROR = 1e-8;

    private static LSTM stock(int nIn, int nOut) {
        return new LSTM.Builder().nIn(nIn).nOut(nOut).activation(Activation.TANH).build();
    }

    private static LSTM fast(int nIn, int nOut) {
        return new FastLstm.Builder().nIn(nIn).nOut(nOut).activation(Activation.TANH).build();
    }

    /** input -> LSTM layers (from {@code cell}) -> softmax output, NCW. */
    private static ComputationGraph graph(BiFunction<Integer, Integer, LSTM> cell, DataType dt, IUpdater updater,
            int nIn, int nOut, int... hidden) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().dataType(dt).seed(7).updater(updater);
        var gb = base.graphBuilder().addInputs("in");
        String prev = "in";
        int size = nIn;
        for (int i = 0; i < hidden.length; i++) {
            gb.addLayer("lstm" + i, cell.apply(size, hidden[i]), prev);
            prev = "lstm" + i;
            size = hidden[i];
        }
        gb.addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .nIn(size).nOut(nOut).dataFormat(RNNFormat.NCW).build(), prev);
        ComputationGraph g = new ComputationGraph(gb.setOutputs("out").build());
        g.init();
        return g;
    }

    private static boolean gradientCheck(ComputationGraph g, INDArray x, INDArray y, INDArray mask) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[]{x}).labels(new INDArray[]{y})
                .inputMask(mask == null ? null : new INDArray[]{mask})
                .labelMask(mask == null ? null : new INDArray[]{mask})
                .callEachIter(net -> Nd4j.getRandom().setSeed(12345))
                .epsilon(EPS).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @Test
    void sameParameterLayoutAndInitialisationAsDl4jLstm() {
        ComputationGraph stock = graph(FastLstmTest::stock, DataType.FLOAT, new NoOp(), 5, 6, 8, 7);
        ComputationGraph fast = graph(FastLstmTest::fast, DataType.FLOAT, new NoOp(), 5, 6, 8, 7);
        assertInstanceOf(FastLstmImpl.class, fast.getLayer("lstm0"));
        assertEquals(stock.numParams(), fast.numParams());
        assertEquals(stock.getLayer("lstm1").paramTable().keySet(), fast.getLayer("lstm1").paramTable().keySet());
        // Same initializer, same seed: the same numbers, forget-gate bias of 1 included.
        assertEquals(stock.params(), fast.params());
        INDArray bias = fast.getLayer("lstm0").getParam("b");
        assertEquals(1.0, bias.getDouble(8), 0.0);
        assertEquals(0.0, bias.getDouble(0), 0.0);
    }

    @Test
    void floatOutputsMatchDl4jLstmWithin1e5OnCopiedWeightsWithAndWithoutMask() {
        ComputationGraph stock = graph(FastLstmTest::stock, DataType.FLOAT, new NoOp(), 5, 6, 16, 12);
        ComputationGraph fast = graph(FastLstmTest::fast, DataType.FLOAT, new NoOp(), 5, 6, 16, 12);
        randomizeParams(stock.params(), 21);
        fast.setParams(stock.params());
        INDArray x = randomInput(DataType.FLOAT, 22, 4, 5, 9);
        assertTrue(maxAbsDiff(stock.outputSingle(x), fast.outputSingle(x)) < 1e-5);
        INDArray hidden = fast.feedForward(x, false).get("lstm1");
        assertTrue(maxAbsDiff(stock.feedForward(x, false).get("lstm1"), hidden) < 1e-5);
        assertTrue(hidden.amaxNumber().doubleValue() > 0.05, "outputs are not trivially zero");

        INDArray mask = mask(DataType.FLOAT, new double[][]{
                {1, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0, 0, 0, 0},
                {1, 0, 1, 1, 0, 1, 1, 1, 1}, {0, 0, 1, 1, 1, 1, 1, 1, 1}});
        INDArray stockMasked = stock.output(false, new INDArray[]{x}, new INDArray[]{mask})[0];
        INDArray fastMasked = fast.output(false, new INDArray[]{x}, new INDArray[]{mask})[0];
        assertTrue(maxAbsDiff(stockMasked, fastMasked) < 1e-5);
    }

    @Test
    void doubleGradientsMatchDl4jLstm() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph stock = graph(FastLstmTest::stock, DataType.DOUBLE, new NoOp(), 3, 4, 6, 5);
        ComputationGraph fast = graph(FastLstmTest::fast, DataType.DOUBLE, new NoOp(), 3, 4, 6, 5);
        randomizeParams(stock.params(), 31);
        fast.setParams(stock.params());
        INDArray x = randomInput(DataType.DOUBLE, 32, 3, 3, 7);
        INDArray y = randomOneHot(DataType.DOUBLE, 33, 3, 4, 7);
        for (ComputationGraph g : new ComputationGraph[]{stock, fast}) {
            g.setInputs(x);
            g.setLabels(y);
            g.computeGradientAndScore();
        }
        assertEquals(stock.score(), fast.score(), 1e-12);
        INDArray gs = stock.gradient().gradient();
        INDArray gf = fast.gradient().gradient();
        assertTrue(maxAbsDiff(gs, gf) < 1e-10 * Math.max(1, gs.amaxNumber().doubleValue()),
                "max gradient difference " + maxAbsDiff(gs, gf));
    }

    @Test
    void gradientCheckStackedLayers() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph g = graph(FastLstmTest::fast, DataType.DOUBLE, new NoOp(), 3, 4, 5, 4);
        randomizeParams(g.params(), 41);
        assertTrue(gradientCheck(g, randomInput(DataType.DOUBLE, 42, 2, 3, 5),
                randomOneHot(DataType.DOUBLE, 43, 2, 4, 5), null));
    }

    @Test
    void gradientCheckWithFeatureMask() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph g = graph(FastLstmTest::fast, DataType.DOUBLE, new NoOp(), 3, 4, 5);
        randomizeParams(g.params(), 51);
        INDArray m = mask(DataType.DOUBLE, new double[][]{{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0}, {1, 0, 1, 1, 0, 1}});
        assertTrue(gradientCheck(g, randomInput(DataType.DOUBLE, 52, 3, 3, 6),
                randomOneHot(DataType.DOUBLE, 53, 3, 4, 6), m));
    }

    @Test
    void gradientCheckNwcWithInputDropout() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(5).updater(new NoOp()).graphBuilder().addInputs("in")
                .addLayer("lstm", new FastLstm.Builder().nIn(3).nOut(4).dropOut(0.6).dataFormat(RNNFormat.NWC)
                        .build(), "in")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).nIn(4).nOut(3).dataFormat(RNNFormat.NWC).build(), "lstm")
                .setOutputs("out").build());
        g.init();
        randomizeParams(g.params(), 61);
        INDArray x = randomInput(DataType.DOUBLE, 62, 2, 3, 5).permute(0, 2, 1).dup();
        INDArray y = randomOneHot(DataType.DOUBLE, 63, 2, 3, 5).permute(0, 2, 1).dup();
        assertTrue(gradientCheck(g, x, y, null));
    }

    @Test
    void adamFitTakesTheSameStepsAsDl4jLstmAndReusesTheForwardPass() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork stock = net(stock(3, 6), false);
        MultiLayerNetwork fast = net(fast(3, 6), false);
        fast.setParams(stock.params());
        DataSet data = new DataSet(randomInput(DataType.DOUBLE, 71, 4, 3, 12), randomOneHot(DataType.DOUBLE, 72, 4, 3, 12));
        for (int i = 0; i < 3; i++) {
            stock.fit(data);
            fast.fit(data);
        }
        assertTrue(maxAbsDiff(stock.params(), fast.params()) < 1e-10);
        assertEquals(0, ((FastLstmImpl) fast.getLayer(0)).recomputedForwardPasses);
    }

    /**
     * Truncated BPTT from a carried state, against central differences. (DL4J's own LSTM does not pass this: with
     * a carried state its segment gradient differs from the finite differences, so it is no reference here.)
     */
    @Test
    void truncatedBpttSegmentGradientFromACarriedStateMatchesFiniteDifferences() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork net = net(fast(3, 6), true);
        randomizeParams(net.params(), 73);
        FastLstmImpl layer = (FastLstmImpl) net.getLayer(0);
        java.util.Map<String, INDArray> carried = new java.util.HashMap<>();
        carried.put(FastLstmImpl.STATE_KEY_PREV_ACTIVATION, randomInput(DataType.DOUBLE, 74, 4, 6, 1).reshape(4, 6));
        carried.put(FastLstmImpl.STATE_KEY_PREV_MEMCELL, randomInput(DataType.DOUBLE, 75, 4, 6, 1).reshape(4, 6));
        INDArray x = randomInput(DataType.DOUBLE, 76, 4, 3, 5);
        INDArray y = randomOneHot(DataType.DOUBLE, 77, 4, 3, 5);
        java.util.function.Supplier<Double> segmentScore = () -> {
            layer.rnnSetPreviousState(carried);
            layer.rnnSetTBPTTState(carried);
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
            return net.score();
        };
        segmentScore.get();
        INDArray analytic = net.gradient().gradient().dup().reshape(net.numParams()).divi(4); // score is a mean over 4
        INDArray params = net.params();
        for (long i = 0; i < net.numParams(); i++) {
            double original = params.getDouble(i);
            params.putScalar(i, original + EPS);
            double plus = segmentScore.get();
            params.putScalar(i, original - EPS);
            double minus = segmentScore.get();
            params.putScalar(i, original);
            double numeric = (plus - minus) / (2 * EPS);
            double a = analytic.getDouble(i);
            double absError = Math.abs(a - numeric);
            assertTrue(absError < MIN_ABS_ERROR || absError / Math.max(Math.abs(a), Math.abs(numeric)) < MAX_REL_ERROR,
                    "parameter " + i + ": analytic " + a + ", numeric " + numeric);
        }
    }

    private static MultiLayerNetwork net(LSTM layer, boolean tbptt) {
        var list = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(3).updater(new Adam(0.01)).list()
                .layer(layer)
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(6).nOut(3).dataFormat(RNNFormat.NCW).build());
        if (tbptt) {
            list.backpropType(BackpropType.TruncatedBPTT).tBPTTLength(5);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    @Test
    void rnnTimeStepMatchesDl4jLstm() {
        ComputationGraph stock = graph(FastLstmTest::stock, DataType.FLOAT, new NoOp(), 3, 4, 6);
        ComputationGraph fast = graph(FastLstmTest::fast, DataType.FLOAT, new NoOp(), 3, 4, 6);
        randomizeParams(stock.params(), 81);
        fast.setParams(stock.params());
        INDArray x = randomInput(DataType.FLOAT, 82, 2, 3, 6);
        INDArray whole = fast.outputSingle(x);
        for (int t = 0; t < 6; t++) {
            INDArray step = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(t, t + 1));
            INDArray fastStep = fast.rnnTimeStep(step)[0];
            assertTrue(maxAbsDiff(stock.rnnTimeStep(step)[0], fastStep) < 1e-5);
            assertTrue(maxAbsDiff(whole.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(t, t + 1)), fastStep) < 1e-5);
        }
    }

    @Test
    void modelSerializerRoundTripKeepsTheFastLayer(@TempDir File dir) throws Exception {
        ComputationGraph g = graph(FastLstmTest::fast, DataType.FLOAT, new Adam(0.01), 3, 4, 5);
        File file = new File(dir, "model.zip");
        ModelSerializer.writeModel(g, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertInstanceOf(FastLstmImpl.class, restored.getLayer("lstm0"));
        INDArray x = randomInput(DataType.FLOAT, 91, 2, 3, 4);
        assertEquals(g.outputSingle(x), restored.outputSingle(x));
    }

    @Test
    void refusesActivationsItDoesNotImplement() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FastLstm.Builder().nIn(2).nOut(3).activation(Activation.RELU).build());
        assertTrue(e.getMessage().contains("tanh"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FastLstm.Builder().nIn(2).nOut(3)
                .activation(Activation.TANH).gateActivationFunction(Activation.HARDSIGMOID).build());
        assertTrue(e.getMessage().contains("sigmoid"), e.getMessage());
    }
}
