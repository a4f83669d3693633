package io.sparkrnn.experiment;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;

/**
 * Hidden sizes that give two cells the same parameter count: a GRU has three weight blocks where an LSTM has
 * four, so at equal hidden size it is smaller and a fair comparison gives it more units.
 */
final class MatchedSizes {
    private MatchedSizes() { }

    /** Parameters of the model {@code config} describes, counted on the built network. */
    static long parameters(RunConfig config, int vocabSize) {
        return GraphFactory.build(ModelSpec.from(config, vocabSize)).numParams();
    }

    /** The hidden size whose model, otherwise as {@code config} says, is closest in parameters to {@code target}. */
    static int hiddenSizeFor(long target, RunConfig config, int vocabSize) {
        int best = 1;
        long bestGap = Long.MAX_VALUE;
        // Parameters grow with the hidden size, so the search stops once it overshoots.
        for (int hidden = 1; ; hidden++) {
            long gap = parameters(config.with(Options.HIDDEN_SIZE, hidden), vocabSize) - target;
            if (Math.abs(gap) < bestGap) {
                best = hidden;
                bestGap = Math.abs(gap);
            }
            if (gap > 0) {
                return best;
            }
        }
    }
}
