package io.sparkrnn.dist;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The driver's copy of training: parameters, averaged optimizer state, and how far training has gone. */
public final class MasterState {
    private final INDArray params;
    private INDArray updaterState;
    private int round;
    private long steps;
    private double bestValidationLoss = Double.NaN;
    private double loweredLearningRate = Double.NaN;

    public MasterState(INDArray params, INDArray updaterState, int round, long steps) {
        this.params = params;
        this.updaterState = updaterState;
        this.round = round;
        this.steps = steps;
    }

    public INDArray params() { return params; }
    public INDArray updaterState() { return updaterState; }
    /** Rounds completed. */
    public int round() { return round; }
    /** Local steps each replica has taken: the updater's iteration count. */
    public long steps() { return steps; }
    public double bestValidationLoss() { return bestValidationLoss; }

    /**
     * The replicas' learning rate: {@code scheduled} (the configured rate, warmed up and scaled for this round)
     * unless non-finite rounds have lowered it below that.
     */
    public double learningRate(double scheduled) {
        return Double.isNaN(loweredLearningRate) ? scheduled : Math.min(scheduled, loweredLearningRate);
    }

    /** The rate non-finite retries lowered training to, NaN if they never did. */
    public double loweredLearningRate() { return loweredLearningRate; }

    /**
     * Part of the state, not of the retry loop: a checkpoint must carry it, or a resumed run would go back to the
     * rate that diverged and repeat the same retries.
     */
    public void lowerLearningRate(double rate) {
        loweredLearningRate = rate;
    }

    void completeRound(INDArray newUpdaterState, int localSteps) {
        updaterState = newUpdaterState;
        round++;
        steps += localSteps;
    }

    public void recordValidationLoss(double loss) {
        if (Double.isNaN(bestValidationLoss) || loss < bestValidationLoss) {
            bestValidationLoss = loss;
        }
    }

    public void restoreBest(double best) {
        bestValidationLoss = best;
    }
}
