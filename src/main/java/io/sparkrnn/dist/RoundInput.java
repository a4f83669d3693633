package io.sparkrnn.dist;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;

/** What the driver broadcasts to every replica at the start of a round. */
final class RoundInput implements Serializable {
    private static final long serialVersionUID = 1L;

    final int round;
    /** Local steps every replica had taken before this round: the updater's iteration count. */
    final long firstStep;
    final float[] params;
    final float[] updaterState;
    /**
     * The replicas' learning rate this round: train.learningRate as scaled and warmed up for the round, lowered
     * after rounds in which every replica went non-finite.
     */
    final double learningRate;
    /** Local steps every replica takes this round (the averaging schedule's value for the round). */
    final int localSteps;

    RoundInput(int round, long firstStep, float[] params, float[] updaterState, double learningRate, int localSteps) {
        this.round = round;
        this.firstStep = firstStep;
        this.params = params;
        this.updaterState = updaterState;
        this.learningRate = learningRate;
        this.localSteps = localSteps;
    }

    /** The values of a vector; an updater without state (SGD) has an empty one, which ND4J cannot export. */
    static float[] floats(INDArray vector) {
        return vector.length() == 0 ? new float[0] : vector.toFloatVector();
    }
}
