package io.sparkrnn.dist;

import io.sparkrnn.config.ExitCodes;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The last guard before a checkpoint: a NaN or infinity must never be saved as a model. */
final class FiniteCheck {
    private FiniteCheck() { }

    static void require(INDArray values, String what) {
        if (values.isNaN().any() || values.isInfinite().any()) {
            throw new RunError(ExitCodes.DIVERGED, "the " + what + " are not finite; refusing to checkpoint them. "
                    + "Lower train.learningRate or train.maxGradNorm and resume from the last checkpoint");
        }
    }
}
