package io.sparkrnn.experiment;

import io.sparkrnn.model.CellType;
import io.sparkrnn.model.Connections;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.model.UpdaterSpec;

/**
 * Hidden sizes that give two cells the same parameter count: a GRU has three weight blocks where an LSTM has
 * four, so at equal hidden size it is smaller and a fair comparison gives it more units.
 */
final class MatchedSizes {
    private MatchedSizes() { }

    /** Parameters of the whole language model (embedding, recurrent stack, softmax), counted on the built network. */
    static long parameters(CellType cell, int hiddenSize, int layers, int embeddingSize, int vocabSize) {
        ModelSpec spec = new ModelSpec(vocabSize, embeddingSize, hiddenSize, layers, cell, Connections.NONE, 0,
                new UpdaterSpec("sgd", 0.1, 0), 1);
        return GraphFactory.build(spec).numParams();
    }

    /** The hidden size of {@code cell} whose model is closest in parameters to {@code target}. */
    static int hiddenSizeFor(long target, CellType cell, int layers, int embeddingSize, int vocabSize) {
        int best = 1;
        long bestGap = Long.MAX_VALUE;
        // Parameters grow with the hidden size, so the search stops once it overshoots.
        for (int hidden = 1; ; hidden++) {
            long gap = parameters(cell, hidden, layers, embeddingSize, vocabSize) - target;
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
