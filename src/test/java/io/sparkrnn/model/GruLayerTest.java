package io.sparkrnn.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.util.Map;

import static io.sparkrnn.model.RecurrentTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

@ExtendWith(RestoresDefaultDataTypes.class)
class GruLayerTest {

    // ---------------------------------------------------------------- reference implementation

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** The GRU equations of the GruLayer javadoc, in plain loops. mask may be null. Returns [mb][H][T]. */
    static double[][][] reference(double[][][] x, double[][] w, double[][] u, double[] b, double[] c, double[][] mask) {
        int mb = x.length;
        int d = x[0].length;
        int steps = x[0][0].length;
        int h = u.length;
        double[][][] out = new double[mb][h][steps];
        for (int i = 0; i < mb; i++) {
            double[] state = new double[h];
            for (int t = 0; t < steps; t++) {
                double[] next = new double[h];
                for (int k = 0; k < h; k++) {
                    double[] xg = new double[3];
                    double[] hg = new double[3];
                    for (int g = 0; g < 3; g++) {
                        xg[g] = b[g * h + k];
                        hg[g] = c[g * h + k];
                        for (int j = 0; j < d; j++) {
                            xg[g] += x[i][j][t] * w[j][g * h + k];
                        }
                        for (int j = 0; j < h; j++) {
                            hg[g] += state[j] * u[j][g * h + k];
                        }
                    }
                    double r = sigmoid(xg[0] + hg[0]);
                    double z = sigmoid(xg[1] + hg[1]);
                    double n = Math.tanh(xg[2] + r * hg[2]);
                    next[k] = (1 - z) * n + z * state[k];
                }
                double m = mask == null ? 1 : mask[i][t];
                for (int k = 0; k < h; k++) {
                    out[i][k][t] = m * next[k];
                    if (m != 0) {
                        state[k] = next[k];
                    }
                }
            }
        }
        return out;
    }

    private static double[][][] reference(Map<String, INDArray> p, String prefix, INDArray x, INDArray mask) {
        double[][][] xs = new double[(int) x.size(0)][(int) x.size(1)][(int) x.size(2)];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = x.get(point(i), all(), all()).toDoubleMatrix();
        }
        return reference(xs, p.get(prefix + "W").toDoubleMatrix(), p.get(prefix + "RW").toDoubleMatrix(),
                p.get(prefix + "b").toDoubleVector(), p.get(prefix + "rb").toDoubleVector(),
                mask == null ? null : mask.toDoubleMatrix());
    }

    private static double maxAbsDiff(double[][][] expected, INDArray actual) {
        assertArrayEquals(new long[]{expected.length, expected[0].length, expected[0][0].length}, actual.shape());
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < expected[0].length; k++) {
                for (int t = 0; t < expected[0][0].length; t++) {
                    max = Math.max(max, Math.abs(expected[i][k][t] - actual.getDouble(i, k, t)));
                }
            }
        }
        return max;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void parameterCountAndLayout() {
        ComputationGraph g = graph(DataType.FLOAT, new NoOp(), 1, 7, 3, 5);
        Map<String, INDArray> p = g.getLayer("gru0").paramTable();
        assertEquals(3L * 5 * (7 + 5) + 6 * 5, g.getLayer("gru0").numParams());
        assertArrayEquals(new long[]{7, 15}, p.get("W").shape());
        assertArrayEquals(new long[]{5, 15}, p.get("RW").shape());
        assertArrayEquals(new long[]{1, 15}, p.get("b").shape());
        assertArrayEquals(new long[]{1, 15}, p.get("rb").shape());
        assertEquals(3L * 5 * (7 + 5) + 6 * 5, GruParamInitializer.numParams(7, 5));
        LayerMemoryReport report = new GruLayer.Builder().nIn(7).nOut(5).build()
                .getMemoryReport(InputType.recurrent(7, 10));
        assertEquals(3L * 5 * (7 + 5) + 6 * 5, report.getParameterSize());
        assertArrayEquals(new long[]{-1, 5, 10}, report.getOutputType().getShape(true));
    }

    @Test
    void forwardMatchesPlainJavaReferenceInDoubleAndFloat() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph g = graph(DataType.DOUBLE, new NoOp(), 1, 3, 4, 5);
        randomizeParams(g.params(), 21);
        INDArray x = randomInput(DataType.DOUBLE, 22, 3, 3, 7);
        double[][][] expected = reference(g.paramTable(), "gru0_", x, null);

        INDArray viaGraph = g.feedForward(x, false).get("gru0");
        assertTrue(maxAbsDiff(expected, viaGraph) < 1e-6, "graph forward differs from reference");
        assertTrue(maxAbsDiff(expected, g.feedForward(x, true).get("gru0")) < 1e-6, "training-mode forward");

        ComputationGraph gf = graph(DataType.FLOAT, new NoOp(), 1, 3, 4, 5);
        gf.setParams(g.params().castTo(DataType.FLOAT));
        INDArray viaFloat = gf.feedForward(x.castTo(DataType.FLOAT), false).get("gru0");
        assertEquals(DataType.FLOAT, viaFloat.dataType());
        assertTrue(maxAbsDiff(expected, viaFloat) < 1e-5, "float32 forward differs from reference");
    }

    @Test
    void maskedStepsOutputZeroAndKeepTheState() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph g = graph(DataType.DOUBLE, new NoOp(), 2, 3, 4, 5);
        randomizeParams(g.params(), 23);
        INDArray x = randomInput(DataType.DOUBLE, 24, 3, 3, 6);
        INDArray m = mask(DataType.DOUBLE, new double[][]{{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}, {0, 1, 0, 0, 1, 1}});
        double[][][] expected = reference(g.paramTable(), "gru0_", x, m);

        Layer l = g.getLayer("gru0");
        l.setMaskArray(m);
        INDArray out = l.activate(x, false, LayerWorkspaceMgr.noWorkspaces());
        assertTrue(maxAbsDiff(expected, out) < 1e-6);
        assertEquals(0.0, out.get(point(1), all(), interval(3, 6)).amaxNumber().doubleValue(), 0.0);
        // The state carried over the hole at step 2-3 of example 2 equals running the unmasked steps alone.
        INDArray shortX = Nd4j.concat(2, x.get(interval(2, 3), all(), interval(1, 2)),
                x.get(interval(2, 3), all(), interval(4, 6)));
        l.setMaskArray(null);
        INDArray shortOut = l.activate(shortX, false, LayerWorkspaceMgr.noWorkspaces());
        assertEquals(shortOut.getDouble(0, 2, 2), out.getDouble(2, 2, 5), 1e-9);
    }

    @Test
    void nwcLayerEqualsNcwLayerAndDropoutOnlyActsInTraining() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph ncw = graph(DataType.DOUBLE, new NoOp(), 9, 3, 4, 5);
        randomizeParams(ncw.params(), 91);
        INDArray x = randomInput(DataType.DOUBLE, 92, 2, 3, 6);
        INDArray expected = ncw.feedForward(x, false).get("gru0");

        MultiLayerNetwork nwc = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).list()
                .layer(new GruLayer.Builder().nIn(3).nOut(5).dropOut(0.5).dataFormat(RNNFormat.NWC).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(5).nOut(4).dataFormat(RNNFormat.NWC).build())
                .build());
        nwc.init();
        nwc.setParams(ncw.params());
        INDArray xNwc = x.permute(0, 2, 1).dup();
        INDArray out = nwc.feedForwardToLayer(0, xNwc, false).get(1);
        assertArrayEquals(new long[]{2, 6, 5}, out.shape());
        assertTrue(out.permute(0, 2, 1).sub(expected).amaxNumber().doubleValue() < 1e-12);
        INDArray trainOut = nwc.feedForwardToLayer(0, xNwc, true).get(1);
        assertTrue(trainOut.sub(out).amaxNumber().doubleValue() > 1e-3, "dropout should change training output");
    }

    @Test
    void rnnTimeStepEqualsFullSequenceForward() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork net = mln(DataType.DOUBLE, new NoOp(), 3, 3, 4, 5, 6);
        randomizeParams(net.params(), 31);
        ComputationGraph g = graph(DataType.DOUBLE, new NoOp(), 3, 3, 4, 5, 6);
        g.setParams(net.params());
        INDArray x = randomInput(DataType.DOUBLE, 32, 2, 3, 6);
        INDArray full = net.output(x);
        assertTrue(full.sub(g.outputSingle(x)).amaxNumber().doubleValue() < 1e-12, "MLN and graph disagree");

        for (int t = 0; t < 6; t++) {
            INDArray step = net.rnnTimeStep(x.get(all(), all(), interval(t, t + 1)));
            INDArray stepG = g.rnnTimeStep(x.get(all(), all(), interval(t, t + 1)))[0];
            INDArray want = full.get(all(), all(), interval(t, t + 1));
            assertTrue(step.sub(want).amaxNumber().doubleValue() < 1e-6, "MLN step " + t);
            assertTrue(stepG.sub(want).amaxNumber().doubleValue() < 1e-6, "graph step " + t);
        }
        assertArrayEquals(new long[]{2, 5}, net.rnnGetPreviousState(0).get(GruLayerImpl.STATE_KEY_PREV_ACTIVATION).shape());

        // Chunks of several steps continue the state as well.
        net.rnnClearPreviousState();
        INDArray a = net.rnnTimeStep(x.get(all(), all(), interval(0, 4)));
        INDArray b = net.rnnTimeStep(x.get(all(), all(), interval(4, 6)));
        assertTrue(Nd4j.concat(2, a, b).sub(full).amaxNumber().doubleValue() < 1e-6);

        // After clearing, a 2-D single step starts from the zero state again.
        net.rnnClearPreviousState();
        INDArray first = net.rnnTimeStep(x.get(all(), all(), point(0)));
        assertArrayEquals(new long[]{2, 4}, first.shape());
        assertTrue(first.sub(full.get(all(), all(), point(0))).amaxNumber().doubleValue() < 1e-6);
    }

    @Test
    void modelSerializerRoundTripGivesIdenticalOutput(@TempDir File dir) throws Exception {
        ComputationGraph g = graph(DataType.FLOAT, new Adam(1e-2), 4, 5, 5, 8, 6);
        INDArray x = randomInput(DataType.FLOAT, 41, 2, 5, 7);
        INDArray y = randomOneHot(DataType.FLOAT, 42, 2, 5, 7);
        g.fit(new DataSet(x, y)); // so there is updater state to save
        File f = new File(dir, "gru.zip");
        ModelSerializer.writeModel(g, f, true);
        ComputationGraph r = ModelSerializer.restoreComputationGraph(f, true);

        assertTrue(r.getConfiguration().toJson().contains(GruLayer.class.getName()));
        assertEquals(g.getConfiguration(), r.getConfiguration());
        assertInstanceOf(GruLayerImpl.class, r.getLayer("gru0"));
        assertEquals(g.params(), r.params());
        assertEquals(g.getUpdater().getStateViewArray(), r.getUpdater().getStateViewArray());
        assertEquals(g.outputSingle(x), r.outputSingle(x));
        // Training continues identically from the restored model.
        g.fit(new DataSet(x, y));
        r.fit(new DataSet(x, y));
        assertEquals(g.params(), r.params());
    }

    @Test
    void backpropReusesTheTrainingForwardPassDuringFit() {
        ComputationGraph g = graph(DataType.FLOAT, new Adam(1e-2), 5, 5, 5, 8, 6);
        INDArray x = randomInput(DataType.FLOAT, 51, 4, 5, 9);
        INDArray y = randomOneHot(DataType.FLOAT, 52, 4, 5, 9);
        INDArray m = mask(DataType.FLOAT, new double[][]{
                {1, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0, 0, 0, 0},
                {1, 1, 1, 1, 1, 1, 1, 1, 0}, {1, 1, 1, 0, 0, 0, 0, 0, 0}});
        for (int i = 0; i < 3; i++) {
            g.fit(new DataSet(x, y));
            g.fit(new DataSet(x, y, m, m));
        }
        assertEquals(0, ((GruLayerImpl) g.getLayer("gru0")).recomputedForwardPasses);
        assertEquals(0, ((GruLayerImpl) g.getLayer("gru1")).recomputedForwardPasses);
    }

    @Test
    void recomputedAndReusedForwardPassGiveTheSameGradients() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph g = graph(DataType.DOUBLE, new NoOp(), 6, 3, 4, 5);
        randomizeParams(g.params(), 61);
        g.initGradientsView(); // normally done by the first fit/computeGradientAndScore
        GruLayerImpl l = (GruLayerImpl) g.getLayer("gru0");
        INDArray x = randomInput(DataType.DOUBLE, 62, 3, 3, 6);
        INDArray eps = randomInput(DataType.DOUBLE, 63, 3, 5, 6);
        INDArray m = mask(DataType.DOUBLE, new double[][]{{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0}, {1, 0, 1, 1, 0, 1}});
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        for (INDArray mask : new INDArray[]{null, m}) {
            l.setMaskArray(mask);
            l.activate(x, true, ws);
            Pair<Gradient, INDArray> reused = l.backpropGradient(eps, ws);
            INDArray gReused = reused.getFirst().gradient().dup();
            INDArray eReused = reused.getSecond().dup();
            int before = l.recomputedForwardPasses;
            l.setInput(x.dup(), ws); // a different input object: the stored pass must not be used
            Pair<Gradient, INDArray> recomputed = l.backpropGradient(eps, ws);
            assertEquals(before + 1, l.recomputedForwardPasses);
            assertTrue(gReused.sub(recomputed.getFirst().gradient()).amaxNumber().doubleValue() < 1e-12);
            assertTrue(eReused.sub(recomputed.getSecond()).amaxNumber().doubleValue() < 1e-12);
            assertTrue(gReused.amaxNumber().doubleValue() > 1e-3, "gradient should not be trivially zero");
        }
    }

    private static final String TEXT = "the quick gru jumps over the lazy lstm. ";

    /** One-hot next-character data: features [mb, V, T], labels shifted by one. */
    private static DataSet charData(String text, String vocab, int mb, int steps) {
        INDArray f = Nd4j.zeros(DataType.FLOAT, mb, vocab.length(), steps);
        INDArray l = Nd4j.zeros(DataType.FLOAT, mb, vocab.length(), steps);
        for (int i = 0; i < mb; i++) {
            for (int t = 0; t < steps; t++) {
                int p = (i * 7 + t) % text.length();
                f.putScalar(new long[]{i, vocab.indexOf(text.charAt(p)), t}, 1.0);
                l.putScalar(new long[]{i, vocab.indexOf(text.charAt((p + 1) % text.length())), t}, 1.0);
            }
        }
        return new DataSet(f, l);
    }

    private static String vocab(String text) {
        StringBuilder sb = new StringBuilder();
        text.chars().distinct().sorted().forEach(ch -> sb.append((char) ch));
        return sb.toString();
    }

    @Test
    void charLevelFitReducesLossInGraph() {
        String vocab = vocab(TEXT);
        DataSet ds = charData(TEXT, vocab, 8, 24);
        ComputationGraph g = graph(DataType.FLOAT, new Adam(2e-2), 7, vocab.length(), vocab.length(), 32);
        double initial = g.score(ds);
        for (int i = 0; i < 150; i++) {
            g.fit(ds);
        }
        double fin = g.score(ds);
        // DL4J sums the per-step cross-entropy over time: an untrained model scores about T * ln(V).
        double uniform = 24 * Math.log(vocab.length());
        assertEquals(uniform, initial, 0.2 * uniform);
        assertTrue(fin < 0.25 * initial, "loss " + initial + " -> " + fin);
    }

    @Test
    void truncatedBpttFitReducesLossInMultiLayerNetwork() {
        String vocab = vocab(TEXT);
        DataSet ds = charData(TEXT, vocab, 8, 24);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT).seed(8).updater(new Adam(2e-2)).list()
                .layer(new GruLayer.Builder().nIn(vocab.length()).nOut(32).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(32).nOut(vocab.length()).dataFormat(RNNFormat.NCW).build())
                .backpropType(BackpropType.TruncatedBPTT).tBPTTLength(8)
                .build());
        net.init();
        double initial = net.score(ds);
        for (int i = 0; i < 60; i++) {
            net.fit(ds);
        }
        double fin = net.score(ds);
        assertTrue(fin < 0.3 * initial, "loss " + initial + " -> " + fin);
        assertEquals(0, ((GruLayerImpl) net.getLayer(0)).recomputedForwardPasses);
    }
}
