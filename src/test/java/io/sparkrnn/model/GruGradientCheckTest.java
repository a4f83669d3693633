package io.sparkrnn.model;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static io.sparkrnn.model.RecurrentTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finite-difference gradient checks, settings as in DL4J's own LSTMGradientCheckTests. */
class GruGradientCheckTest {

    private static final double EPS = GRADIENT_CHECK_EPS;
    private static final double MAX_REL_ERROR = GRADIENT_CHECK_MAX_REL_ERROR;
    private static final double MIN_ABS_ERROR = GRADIENT_CHECK_MIN_ABS_ERROR;

    private static DataType savedDefault;
    private static DataType savedFloatDefault;

    @BeforeAll
    static void doublePrecision() {
        savedDefault = Nd4j.dataType();
        savedFloatDefault = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(savedDefault, savedFloatDefault);
    }

    private static boolean check(ComputationGraph g, INDArray x, INDArray y, INDArray fMask, INDArray lMask) {
        return checkGradients(g, x, y, fMask, lMask);
    }

    @Test
    void singleGruLayerInGraph() {
        ComputationGraph g = graph(DataType.DOUBLE, new NoOp(), 1, 3, 4, 5);
        randomizeParams(g.params(), 11);
        INDArray x = randomInput(DataType.DOUBLE, 2, 3, 3, 6);
        INDArray y = randomOneHot(DataType.DOUBLE, 3, 3, 4, 6);
        assertTrue(check(g, x, y, null, null));
    }

    @Test
    void twoStackedGruLayersInGraph() {
        ComputationGraph g = graph(DataType.DOUBLE, new NoOp(), 2, 3, 4, 5, 4);
        randomizeParams(g.params(), 12);
        INDArray x = randomInput(DataType.DOUBLE, 4, 2, 3, 5);
        INDArray y = randomOneHot(DataType.DOUBLE, 5, 2, 4, 5);
        assertTrue(check(g, x, y, null, null));
    }

    @Test
    void featureMaskWithTrailingPaddingAndAHole() {
        ComputationGraph g = graph(DataType.DOUBLE, new NoOp(), 3, 3, 4, 5, 4);
        randomizeParams(g.params(), 13);
        INDArray x = randomInput(DataType.DOUBLE, 6, 3, 3, 6);
        INDArray y = randomOneHot(DataType.DOUBLE, 7, 3, 4, 6);
        INDArray m = mask(DataType.DOUBLE, new double[][]{
                {1, 1, 1, 1, 1, 1},
                {1, 1, 1, 1, 0, 0},
                {1, 0, 1, 1, 0, 1}});
        assertTrue(check(g, x, y, m, m));
        // Feature mask only: the output layer then scores masked steps too, whose GRU output is constant 0.
        assertTrue(check(g, x, y, m, null));
    }

    @Test
    void nonTanhCandidateActivationAndL2InMultiLayerNetwork() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(4).updater(new NoOp()).l2(0.03).l2Bias(0.01).list()
                .layer(new GruLayer.Builder().nIn(3).nOut(4).activation(Activation.SOFTSIGN).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(4).nOut(3).dataFormat(RNNFormat.NCW).build())
                .build());
        net.init();
        randomizeParams(net.params(), 14);
        INDArray x = randomInput(DataType.DOUBLE, 8, 2, 3, 5);
        INDArray y = randomOneHot(DataType.DOUBLE, 9, 2, 3, 5);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                .epsilon(EPS).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)));
    }

    @Test
    void nwcDataFormatWithInputDropout() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(5).updater(new NoOp())
                .graphBuilder().addInputs("in")
                .addLayer("gru", new GruLayer.Builder().nIn(3).nOut(4).dropOut(0.6)
                        .dataFormat(RNNFormat.NWC).build(), "in")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).nIn(4).nOut(3).dataFormat(RNNFormat.NWC).build(), "gru")
                .setOutputs("out").build());
        g.init();
        randomizeParams(g.params(), 15);
        INDArray x = randomInput(DataType.DOUBLE, 10, 2, 3, 5).permute(0, 2, 1).dup(); // [mb, T, nIn]
        INDArray y = randomOneHot(DataType.DOUBLE, 11, 2, 3, 5).permute(0, 2, 1).dup();
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[]{x}).labels(new INDArray[]{y})
                // same dropout mask in every forward pass, as DL4J's own dropout gradient checks do
                .callEachIter(net -> Nd4j.getRandom().setSeed(12345))
                .epsilon(EPS).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)));
    }
}
