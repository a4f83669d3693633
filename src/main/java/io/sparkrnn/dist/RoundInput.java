package io.sparkrnn.dist;

import java.io.Serializable;

/** What the driver broadcasts to every replica at the start of a round. */
final class RoundInput implements Serializable {
    private static final long serialVersionUID = 1L;

    final int round;
    /** Local steps every replica had taken before this round: the updater's iteration count. */
    final long firstStep;
    final float[] params;
    final float[] updaterState;
    /** The replicas' learning rate this round: lowered after rounds in which every replica went non-finite. */
    final double learningRate;

    RoundInput(int round, long firstStep, float[] params, float[] updaterState, double learningRate) {
        this.round = round;
        this.firstStep = firstStep;
        this.params = params;
        this.updaterState = updaterState;
        this.learningRate = learningRate;
    }
}
