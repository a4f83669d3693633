package io.sparkrnn.dist;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DiLoCo's outer optimizer: the averaged update is treated as a (negative) outer gradient and applied with
 * Nesterov momentum, m = mu m + u; theta += lr (u + mu m). With lr = 1 and mu = 0 it is plain averaging.
 */
final class NesterovOuterStep implements OuterOptimizer {
    private final double learningRate;
    private final double momentum;
    private INDArray velocity;

    NesterovOuterStep(double learningRate, double momentum) {
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    @Override
    public double apply(INDArray params, INDArray u) {
        if (velocity == null) {
            velocity = u.like().assign(0);
        }
        velocity.muli(momentum).addi(u);
        INDArray step = u.add(velocity.mul(momentum)).muli(learningRate);
        params.addi(step);
        return step.norm2Number().doubleValue();
    }

    @Override
    public float[] state() {
        return velocity == null ? new float[0] : velocity.toFloatVector();
    }

    @Override
    public void restore(float[] state) {
        velocity = state.length == 0 ? null : org.nd4j.linalg.factory.Nd4j.createFromArray(state);
    }
}
