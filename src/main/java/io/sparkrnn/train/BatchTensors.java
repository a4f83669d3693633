package io.sparkrnn.train;

import io.sparkrnn.data.ExampleWindows;
import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.data.WindowShard;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches as DL4J tensors. Language model: token ids [B, 1, T] for the embedding, one-hot targets [B, V, T]
 * (NCW). Classifier: token ids [B, 1, T] with a feature mask [B, T] (1 on each line's characters, 0 on the
 * padding after them), one-hot labels [B, K].
 */
public final class BatchTensors {
    private BatchTensors() { }

    public static MultiDataSet of(MiniBatch batch, int vocabSize) {
        int b = batch.size();
        int t = batch.seqLength();
        float[] ids = new float[b * t];
        float[] oneHot = new float[b * vocabSize * t];
        for (int row = 0; row < b; row++) {
            for (int step = 0; step < t; step++) {
                ids[row * t + step] = batch.input(row, step);
                int target = batch.target(row, step);
                oneHot[(row * vocabSize + target) * t + step] = 1f;
            }
        }
        INDArray features = Nd4j.create(ids, new long[] {b, 1, t}, 'c');
        INDArray labels = Nd4j.create(oneHot, new long[] {b, vocabSize, t}, 'c');
        return new MultiDataSet(features, labels);
    }

    /** Examples {@code examples} of a classification shard (see {@link ExampleWindows}) over {@code labels} labels. */
    public static MultiDataSet classification(WindowShard shard, int[] examples, int labels) {
        int b = examples.length;
        int t = ExampleWindows.seqLength(shard);
        float[] ids = new float[b * t];
        float[] mask = new float[b * t];
        float[] oneHot = new float[b * labels];
        for (int row = 0; row < b; row++) {
            int example = examples[row];
            int length = ExampleWindows.length(shard, example);
            for (int step = 0; step < length; step++) {
                ids[row * t + step] = ExampleWindows.token(shard, example, step);
                mask[row * t + step] = 1f;
            }
            oneHot[row * labels + ExampleWindows.label(shard, example)] = 1f;
        }
        INDArray[] features = {Nd4j.create(ids, new long[] {b, 1, t}, 'c')};
        INDArray[] featureMasks = {Nd4j.create(mask, new long[] {b, t}, 'c')};
        INDArray[] targets = {Nd4j.create(oneHot, new long[] {b, labels}, 'c')};
        return new MultiDataSet(features, targets, featureMasks, null);
    }

    /** Token ids of a prompt as a [1, 1, T] input. */
    public static INDArray ids(int[] tokens) {
        float[] ids = new float[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = tokens[i];
        }
        return Nd4j.create(ids, new long[] {1, 1, tokens.length}, 'c');
    }
}
