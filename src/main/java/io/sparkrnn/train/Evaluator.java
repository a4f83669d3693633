package io.sparkrnn.train;

import io.sparkrnn.data.ExampleWindows;
import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.data.WindowShard;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;


/** Summed cross-entropy of a network on minibatches, in inference mode (no dropout); for a classifier also its confusion counts. */
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

    /** A classifier on a shard's examples (see {@link ExampleWindows}), in order, {@code batchSize} at a time. */
    public static Validation classify(ComputationGraph graph, WindowShard shard, int batchSize, int labels) {
        double loss = 0;
        Confusion confusion = new Confusion(labels);
        for (int[] examples : shard.inOrderBatches(batchSize)) {
            MultiDataSet data = BatchTensors.classification(shard, examples, labels);
            loss += graph.score(data, false) * examples.length;
            INDArray predicted = graph.output(false, data.getFeatures(), data.getFeaturesMaskArrays())[0].argMax(1);
            for (int row = 0; row < examples.length; row++) {
                confusion.add(ExampleWindows.label(shard, examples[row]), predicted.getInt(row));
            }
        }
        return new Validation(new LossSum(loss, shard.size()), confusion);
    }
}
