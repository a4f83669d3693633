package io.sparkrnn.dist;

/**
 * How far a run has trained, besides its parameters and optimizer states: what resuming must restore so that
 * the next round is the one the uninterrupted run would have trained.
 *
 * @param round rounds completed
 * @param steps local steps every replica has taken: the updater's iteration count, and the data cursor, since
 *     the minibatch of replica p at step t is a pure function of (run.seed, p, t)
 * @param replicas replicas the windows were dealt to; another count deals other windows to each replica
 * @param bestValidationLoss lowest validation loss so far, NaN if never evaluated
 * @param validationLoss validation loss at this round, NaN if not evaluated
 * @param learningRate the replicas' learning rate if non-finite retries lowered it, NaN if they never did
 */
public record TrainingPosition(int round, long steps, int replicas, double bestValidationLoss, double validationLoss,
                               double learningRate) {
}
