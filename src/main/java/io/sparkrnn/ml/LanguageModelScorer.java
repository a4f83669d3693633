package io.sparkrnn.ml;

import io.sparkrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Log-likelihood of lines under a language model, forward passes only, many lines per pass. Lines are cut into
 * sequences (one per line, or one per window: {@link WindowMode}), sorted by length so that a batch pads little,
 * and each batch is read model.seqLength steps at a time with DL4J's stored recurrent state
 * ({@code rnnTimeStep}) carried between the steps of a sequence. A forward language model's output at a step
 * depends only on the steps before it, so padding after a shorter sequence needs no mask: its outputs are never
 * read. A probability is floored at 1e-10 before its log, as DL4J's cross-entropy (what evaluate sums) does.
 */
public final class LanguageModelScorer {
    private static final double MIN_PROBABILITY = 1e-10;

    private final ComputationGraph graph;
    private final Vocabulary vocabulary;
    private final int seqLength;
    private final WindowMode mode;
    private final int batchSize;

    public LanguageModelScorer(ComputationGraph graph, Vocabulary vocabulary, int seqLength, WindowMode mode,
                               int batchSize) {
        this.graph = graph;
        this.vocabulary = vocabulary;
        this.seqLength = seqLength;
        this.mode = mode;
        this.batchSize = batchSize;
    }

    /** One score per line, in order; null for a null line. */
    public LineScore[] score(List<String> lines) {
        int[][] tokens = new int[lines.size()][];
        double[] logLikelihood = new double[lines.size()];
        List<Sequence> sequences = new ArrayList<>();
        for (int line = 0; line < lines.size(); line++) {
            if (lines.get(line) != null) {
                tokens[line] = vocabulary.encode(lines.get(line));
                cut(line, tokens[line].length - 1, sequences);
            }
        }
        sequences.sort(Comparator.comparingInt(Sequence::predictions));
        for (int from = 0; from < sequences.size(); from += batchSize) {
            List<Sequence> batch = sequences.subList(from, Math.min(from + batchSize, sequences.size()));
            run(batch, tokens, logLikelihood);
        }
        LineScore[] scores = new LineScore[lines.size()];
        for (int line = 0; line < lines.size(); line++) {
            if (tokens[line] != null) {
                scores[line] = new LineScore(Math.max(0, tokens[line].length - 1), logLikelihood[line]);
            }
        }
        return scores;
    }

    /** The sequences of a line with {@code predictions} characters to predict (none for a line shorter than 2). */
    private void cut(int line, int predictions, List<Sequence> into) {
        if (mode == WindowMode.CARRY) {
            if (predictions > 0) {
                into.add(new Sequence(line, 0, predictions));
            }
            return;
        }
        for (int start = 0; start < predictions; start += seqLength) {
            into.add(new Sequence(line, start, Math.min(seqLength, predictions - start)));
        }
    }

    /** Adds each sequence's log-likelihood to its line's; sequences are sorted, so the last is the longest. */
    private void run(List<Sequence> batch, int[][] tokens, double[] logLikelihood) {
        int rows = batch.size();
        int longest = batch.get(rows - 1).predictions();
        graph.rnnClearPreviousState();
        try {
            for (int step = 0; step < longest; step += seqLength) {
                int steps = Math.min(seqLength, longest - step);
                float[] ids = new float[rows * steps];
                for (int row = 0; row < rows; row++) {
                    Sequence s = batch.get(row);
                    for (int t = 0; t < steps && step + t < s.predictions(); t++) {
                        ids[row * steps + t] = tokens[s.line()][s.start() + step + t];
                    }
                }
                INDArray output = graph.rnnTimeStep(Nd4j.create(ids, new long[] {rows, 1, steps}, 'c'))[0];
                addLogProbabilities(batch, step, steps, output, tokens, logLikelihood);
            }
        } finally {
            graph.rnnClearPreviousState();
        }
    }

    private void addLogProbabilities(List<Sequence> batch, int step, int steps, INDArray output, int[][] tokens,
                                     double[] logLikelihood) {
        int classes = (int) output.size(1);
        float[] probabilities = output.dup('c').data().asFloat(); // [rows, classes, steps]
        for (int row = 0; row < batch.size(); row++) {
            Sequence s = batch.get(row);
            double sum = 0;
            for (int t = 0; t < steps && step + t < s.predictions(); t++) {
                int target = tokens[s.line()][s.start() + step + t + 1];
                float p = probabilities[(row * classes + target) * steps + t];
                sum += Math.log(Math.max(p, MIN_PROBABILITY));
            }
            logLikelihood[s.line()] += sum;
        }
    }

    /** Predictions {@code start+1 .. start+predictions} of a line, read from a zero state at {@code start}. */
    private record Sequence(int line, int start, int predictions) { }
}
