package io.sparkrnn.ml;

import io.sparkrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A classifier's label probabilities for lines, forward passes only, many lines per pass. As in training, a line
 * is cut to its first model.seqLength characters; lines are sorted by length so a batch pads little, and the
 * feature mask tells the encoder and the pooling where each line ends (as evaluation's batches do).
 */
public final class ClassifierScorer {
    private final ComputationGraph graph;
    private final Vocabulary vocabulary;
    private final int seqLength;
    private final int batchSize;

    public ClassifierScorer(ComputationGraph graph, Vocabulary vocabulary, int seqLength, int batchSize) {
        this.graph = graph;
        this.vocabulary = vocabulary;
        this.seqLength = seqLength;
        this.batchSize = batchSize;
    }

    /** Each line's probabilities in labels.json order; null for a null or empty line (nothing to read). */
    public double[][] classify(List<String> lines) {
        int[][] tokens = new int[lines.size()][];
        List<Integer> readable = new ArrayList<>();
        for (int line = 0; line < lines.size(); line++) {
            String text = lines.get(line);
            if (text != null && !text.isEmpty()) {
                int[] ids = vocabulary.encode(text);
                tokens[line] = ids.length > seqLength ? Arrays.copyOf(ids, seqLength) : ids;
                readable.add(line);
            }
        }
        readable.sort(Comparator.comparingInt(line -> tokens[line].length));
        double[][] probabilities = new double[lines.size()][];
        for (int from = 0; from < readable.size(); from += batchSize) {
            List<Integer> batch = readable.subList(from, Math.min(from + batchSize, readable.size()));
            double[][] out = run(batch, tokens);
            for (int row = 0; row < batch.size(); row++) {
                probabilities[batch.get(row)] = out[row];
            }
        }
        return probabilities;
    }

    private double[][] run(List<Integer> batch, int[][] tokens) {
        int rows = batch.size();
        int steps = tokens[batch.get(rows - 1)].length;
        float[] ids = new float[rows * steps];
        float[] mask = new float[rows * steps];
        for (int row = 0; row < rows; row++) {
            int[] line = tokens[batch.get(row)];
            for (int t = 0; t < line.length; t++) {
                ids[row * steps + t] = line[t];
                mask[row * steps + t] = 1f;
            }
        }
        INDArray[] features = {Nd4j.create(ids, new long[] {rows, 1, steps}, 'c')};
        INDArray[] masks = {Nd4j.create(mask, new long[] {rows, steps}, 'c')};
        return graph.output(false, features, masks)[0].toDoubleMatrix();
    }
}
