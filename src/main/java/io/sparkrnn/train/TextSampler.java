package io.sparkrnn.train;

import io.sparkrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/** Generates text one character at a time from the network's stored recurrent state. */
public final class TextSampler {
    private final ComputationGraph graph;
    private final Vocabulary vocabulary;

    public TextSampler(ComputationGraph graph, Vocabulary vocabulary) {
        this.graph = graph;
        this.vocabulary = vocabulary;
    }

    /** The prompt followed by {@code length} sampled characters; the same seed gives the same text. */
    public String sample(String prompt, int length, double temperature, long seed) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        String start = prompt.isEmpty() ? "\n" : prompt;
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(prompt);
        graph.rnnClearPreviousState();
        INDArray output = graph.rnnTimeStep(BatchTensors.ids(vocabulary.encode(start)))[0];
        for (int i = 0; i < length; i++) {
            int next = draw(lastStep(output), temperature, random);
            text.append(vocabulary.printable(next));
            output = graph.rnnTimeStep(BatchTensors.ids(new int[] {next}))[0];
        }
        graph.rnnClearPreviousState();
        return text.toString();
    }

    private static double[] lastStep(INDArray probabilities) {
        long steps = probabilities.size(2);
        return probabilities.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(steps - 1)).toDoubleVector();
    }

    static int draw(double[] probabilities, double temperature, SplittableRandom random) {
        double[] weights = new double[probabilities.length];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.pow(Math.max(probabilities[i], 0), 1.0 / temperature);
            total += weights[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
