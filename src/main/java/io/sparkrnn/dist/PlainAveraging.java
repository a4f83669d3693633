package io.sparkrnn.dist;

import org.nd4j.linalg.api.ndarray.INDArray;

/** theta + u: the new parameters are exactly the average of the replicas' parameters. */
final class PlainAveraging implements OuterOptimizer {
    @Override
    public double apply(INDArray params, INDArray u) {
        params.addi(u);
        return u.norm2Number().doubleValue();
    }

    @Override
    public float[] state() { return new float[0]; }

    @Override
    public void restore(float[] state) {
        if (state.length != 0) {
            throw new IllegalArgumentException("plain averaging has no state, got " + state.length + " values");
        }
    }
}
