package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/** How the master applies the averaged (and clipped) replica update u to the parameters. */
public interface OuterOptimizer {

    /**
     * Moves {@code params} in place by the update {@code u}; returns the L2 norm of the step actually taken (which
     * is not the norm of {@code u} when the optimizer scales it or adds momentum).
     */
    double apply(INDArray params, INDArray u);

    /** State to checkpoint (empty when stateless). */
    float[] state();

    void restore(float[] state);

    static OuterOptimizer from(RunConfig config) {
        switch (config.get(Options.OUTER)) {
            case "average":
                return new PlainAveraging();
            case "nesterov":
                return new NesterovOuterStep(config.get(Options.OUTER_LEARNING_RATE), config.get(Options.OUTER_MOMENTUM));
            default:
                throw new IllegalArgumentException("unknown master.outer " + config.get(Options.OUTER));
        }
    }
}
