package io.sparkrnn.train;

import io.sparkrnn.data.MiniBatch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** A minibatch as DL4J tensors: token ids [B, 1, T] for the embedding, one-hot targets [B, V, T] (NCW). */
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

    /** Token ids of a prompt as a [1, 1, T] input. */
    public static INDArray ids(int[] tokens) {
        float[] ids = new float[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = tokens[i];
        }
        return Nd4j.create(ids, new long[] {1, 1, tokens.length}, 'c');
    }
}
