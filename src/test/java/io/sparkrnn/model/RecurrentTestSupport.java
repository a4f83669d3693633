package io.sparkrnn.model;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

/** Small networks and data shared by the recurrent layer tests (GRU, LSTM). */
final class RecurrentTestSupport {
    static final double GRADIENT_CHECK_EPS = 1e-6;
    static final double GRADIENT_CHECK_MAX_REL_ERROR = 1e-3;
    static final double GRADIENT_CHECK_MIN_ABS_ERROR = 1e-8;

    private RecurrentTestSupport() {
    }

    /** input -> GRU(nIn, hidden[0]) -> ... -> RnnOutputLayer(softmax, MCXENT). */
    static ComputationGraph graph(DataType dt, IUpdater updater, long seed, int nIn, int nOut, int... hidden) {
        ComputationGraphConfiguration.GraphBuilder gb = new NeuralNetConfiguration.Builder()
                .dataType(dt).seed(seed).updater(updater)
                .graphBuilder().addInputs("in");
        String prev = "in";
        int prevSize = nIn;
        for (int i = 0; i < hidden.length; i++) {
            String name = "gru" + i;
            gb.addLayer(name, new GruLayer.Builder().nIn(prevSize).nOut(hidden[i]).build(), prev);
            prev = name;
            prevSize = hidden[i];
        }
        gb.addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX).nIn(prevSize).nOut(nOut).dataFormat(RNNFormat.NCW).build(), prev);
        ComputationGraph g = new ComputationGraph(gb.setOutputs("out").build());
        g.init();
        return g;
    }

    static MultiLayerNetwork mln(DataType dt, IUpdater updater, long seed, int nIn, int nOut, int... hidden) {
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder()
                .dataType(dt).seed(seed).updater(updater).list();
        int prevSize = nIn;
        for (int h : hidden) {
            lb.layer(new GruLayer.Builder().nIn(prevSize).nOut(h).build());
            prevSize = h;
        }
        lb.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX).nIn(prevSize).nOut(nOut).dataFormat(RNNFormat.NCW).build());
        MultiLayerConfiguration conf = lb.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Replace all parameters by U(-1, 1) so biases are non-zero and every gate is exercised. */
    static void randomizeParams(INDArray params, long seed) {
        Random r = new Random(seed);
        INDArray flat = params.reshape(params.length());
        for (long i = 0; i < flat.length(); i++) {
            flat.putScalar(i, 2 * r.nextDouble() - 1);
        }
    }

    static INDArray randomInput(DataType dt, long seed, int mb, int n, int steps) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(dt, mb, n, steps);
        for (int i = 0; i < mb; i++) {
            for (int j = 0; j < n; j++) {
                for (int t = 0; t < steps; t++) {
                    x.putScalar(new long[]{i, j, t}, r.nextGaussian());
                }
            }
        }
        return x;
    }

    static INDArray randomOneHot(DataType dt, long seed, int mb, int n, int steps) {
        Random r = new Random(seed);
        INDArray y = Nd4j.zeros(dt, mb, n, steps);
        for (int i = 0; i < mb; i++) {
            for (int t = 0; t < steps; t++) {
                y.putScalar(new long[]{i, r.nextInt(n), t}, 1.0);
            }
        }
        return y;
    }

    /** DL4J's finite-difference check of a one-input, one-output graph, settings as in its LSTMGradientCheckTests. */
    static boolean checkGradients(ComputationGraph g, INDArray x, INDArray y, INDArray fMask, INDArray lMask) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[]{x}).labels(new INDArray[]{y})
                .inputMask(fMask == null ? null : new INDArray[]{fMask})
                .labelMask(lMask == null ? null : new INDArray[]{lMask})
                .epsilon(GRADIENT_CHECK_EPS).maxRelError(GRADIENT_CHECK_MAX_REL_ERROR)
                .minAbsoluteError(GRADIENT_CHECK_MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }

    static INDArray mask(DataType dt, double[][] m) {
        return Nd4j.create(m).castTo(dt);
    }
}
