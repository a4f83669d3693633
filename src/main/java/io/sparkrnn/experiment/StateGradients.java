package io.sparkrnn.experiment;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.GruParamInitializer;
import io.sparkrnn.model.LayerWiring;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.model.StateGradientProbe;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.SimpleRnnParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.function.Consumer;

/**
 * The norm of d loss / d h_t at every step t of {@link DistanceTask} lines, read at the last character by a
 * one-layer classifier in its untrained state: how much of the readout's gradient reaches each earlier hidden
 * state. The values come from the backward pass of our own LSTM and GRU kernels ({@link StateGradientProbe}).
 * The vanilla RNN is DL4J's SimpleRnn, whose backward pass has no such window, so it is measured on our GRU
 * holding the same weights with its update gate shut and its reset gate open: then the GRU's step
 * h' = (1 - z) n + z h is h' = tanh(x W + h U + b), the vanilla RNN's; that the two networks give the same
 * outputs is checked before every measurement.
 */
final class StateGradients {
    /** Gate pre-activation that saturates a float sigmoid to exactly 0 or 1 without overflowing exp. */
    private static final float SATURATED = 40f;
    private static final double SAME_OUTPUT = 1e-5;

    private StateGradients() { }

    /** Mean over {@code lines} of ||d loss / d h_t||, indexed by t (0 = the key's step). */
    static double[] meanNorms(RunConfig config, List<String> lines, Consumer<ComputationGraph> initialisation) {
        Vocabulary vocabulary = Vocabulary.of(DistanceTask.KEYS + DistanceTask.FILLERS);
        ComputationGraph graph = build(config, vocabulary, initialisation);
        INDArray features = features(lines, vocabulary, graph);
        INDArray labels = Nd4j.zeros(graph.params().dataType(), lines.size(), DistanceTask.KEYS.length());
        for (int i = 0; i < lines.size(); i++) {
            labels.putScalar(i, DistanceTask.KEYS.indexOf(lines.get(i).charAt(0)), 1.0);
        }
        if ("rnn".equals(config.get(Options.CELL))) {
            graph = asGatedRecurrentUnit(graph, config, vocabulary, features);
        }
        double[] sums = new double[(int) features.size(1)];
        ComputationGraph measured = graph;
        StateGradientProbe.recording((step, dh) -> sums[(int) step] += dh.norm2(1).sumNumber().doubleValue(), () -> {
            measured.setInputs(features);
            measured.setLabels(labels);
            measured.computeGradientAndScore();
            return null;
        });
        double[] means = new double[sums.length];
        for (int t = 0; t < sums.length; t++) {
            means[t] = sums[t] / lines.size();
        }
        return means;
    }

    private static ComputationGraph build(RunConfig config, Vocabulary vocabulary,
                                          Consumer<ComputationGraph> initialisation) {
        ComputationGraph graph = GraphFactory.build(ModelSpec.classifierFrom(config, vocabulary.size(),
                DistanceTask.KEYS.length()));
        initialisation.accept(graph);
        return graph;
    }

    /** The lines' texts as token ids [lines, steps]; the task's lines of one distance all have one length. */
    private static INDArray features(List<String> lines, Vocabulary vocabulary, ComputationGraph graph) {
        int[][] ids = new int[lines.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocabulary.encode(lines.get(i).substring(lines.get(i).indexOf('\t') + 1));
        }
        return Nd4j.createFromArray(ids).castTo(graph.params().dataType());
    }

    /** A GRU network computing exactly what the vanilla-RNN network {@code rnn} computes (see the class comment). */
    private static ComputationGraph asGatedRecurrentUnit(ComputationGraph rnn, RunConfig config, Vocabulary vocabulary,
                                                         INDArray features) {
        ComputationGraph gru = build(config.with(Options.CELL, "gru"), vocabulary, graph -> { });
        for (String name : List.of(LayerWiring.EMBEDDING, LayerWiring.OUTPUT)) {
            gru.getLayer(name).setParams(rnn.getLayer(name).params().dup());
        }
        String layer = LayerWiring.layerName(1);
        long h = rnn.getParam(layer + "_" + SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY).size(0);
        INDArrayIndex[] r = {NDArrayIndex.all(), NDArrayIndex.interval(0, h)};
        INDArrayIndex[] z = {NDArrayIndex.all(), NDArrayIndex.interval(h, 2 * h)};
        INDArrayIndex[] n = {NDArrayIndex.all(), NDArrayIndex.interval(2 * h, 3 * h)};
        gru.getLayer(layer).params().assign(0);
        gru.getParam(layer + "_" + GruParamInitializer.INPUT_WEIGHT_KEY).get(n)
                .assign(rnn.getParam(layer + "_" + SimpleRnnParamInitializer.WEIGHT_KEY));
        gru.getParam(layer + "_" + GruParamInitializer.RECURRENT_WEIGHT_KEY).get(n)
                .assign(rnn.getParam(layer + "_" + SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY));
        INDArray bias = gru.getParam(layer + "_" + GruParamInitializer.INPUT_BIAS_KEY);
        bias.get(n).assign(rnn.getParam(layer + "_" + SimpleRnnParamInitializer.BIAS_KEY));
        bias.get(r).assign(SATURATED);   // reset gate 1: the whole recurrent term reaches n
        bias.get(z).assign(-SATURATED);  // update gate 0: h' = n
        double gap = rnn.outputSingle(features).sub(gru.outputSingle(features)).amaxNumber().doubleValue();
        if (gap > SAME_OUTPUT) {
            throw new IllegalStateException("the GRU standing in for the vanilla RNN computes something else: "
                    + "outputs differ by " + gap);
        }
        return gru;
    }
}
