package io.sparkrnn.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Result of one GRU forward pass, kept so that backprop can reuse it instead of running the forward pass again
 * (DL4J's own LSTM recomputes it). All 2-D arrays are time-major: row {@code t*mb + i} is example i at step t.
 */
final class GruForwardPass {
    long mb;
    long steps;
    /** Inputs [T*mb, nIn]. */
    INDArray x;
    /** Gate activations [T*mb, 3H]: r | z | n. */
    INDArray gates;
    /** Recurrent projections h_{t-1} RW + rb, [T*mb, 3H]. */
    INDArray hu;
    /** Candidate pre-activations [T*mb, H]; only kept for activations other than tanh. */
    INDArray preN;
    /** Carried states [T*mb, H] (equal to the output where not masked). */
    INDArray states;
    /** Initial state [mb, H], null for zeros. */
    INDArray h0;
    /** Mask transposed to [T, mb] in the layer's data type, or null. */
    INDArray maskT;
    /** Parameters the pass used (may carry weight noise). */
    INDArray w;
    INDArray rw;
    /** Layer output [mb, H, T] (NCW). */
    INDArray output;

    /** The layer input object and mask object this pass was computed from: identity decides if it can be reused. */
    INDArray sourceInput;
    INDArray sourceMask;

    INDArray rows(INDArray a, long t) {
        return a.get(interval(t * mb, (t + 1) * mb), all());
    }

    INDArray lastState() {
        return rows(states, steps - 1);
    }

    /** False once any workspace array of this pass has been released, i.e. its memory may hold other data. */
    boolean usable() {
        for (INDArray a : new INDArray[]{x, gates, hu, preN, states, maskT, w, rw}) {
            if (a != null && a.wasClosed()) {
                return false;
            }
        }
        return true;
    }
}
