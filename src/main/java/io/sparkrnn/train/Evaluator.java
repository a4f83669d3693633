package io.sparkrnn.train;

import io.sparkrnn.data.MiniBatch;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Summed cross-entropy of a network on minibatches, in inference mode (no dropout). */
public final class Evaluator {
    private Evaluator() { }

    public static LossSum evaluate(ComputationGraph graph, Iterable<MiniBatch> batches, int vocabSize) {
        double loss = 0;
        long tokens = 0;
        for (MiniBatch batch : batches) {
            // DL4J's score is the mean over examples of the loss summed over time steps.
            loss += graph.score(BatchTensors.of(batch, vocabSize), false) * batch.size();
            tokens += batch.tokens();
        }
        return new LossSum(loss, tokens);
    }
}
