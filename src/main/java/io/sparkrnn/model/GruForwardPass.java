package io.sparkrnn.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Result of one GRU forward pass, kept so that backprop can reuse it instead of running the forward pass again
 * (DL4J's own LSTM recomputes it).
 * <p>
 * Per-step arrays are "step-blocked": shape [T, k, mb] in 'c' order, so step t is an 'f'-order [mb, k] block and
 * every gate's [mb, H] sub-block is contiguous. ND4J's element-wise ops are several times faster on contiguous
 * arrays of matching order than on strided views, and the loop is dominated by them.
 */
final class GruForwardPass {
    long mb;
    long steps;
    /** Inputs, time-major [T*mb, nIn] (row t*mb + i is example i at step t), for the weight-gradient GEMM. */
    INDArray x;
    /** Gate activations [T, 3H, mb]: r | z | n. */
    INDArray gates;
    /** Recurrent projections h_{t-1} RW + rb, [T, 3H, mb]. */
    INDArray hu;
    /** Candidate pre-activations [T, H, mb]; only kept for activations other than tanh. */
    INDArray preN;
    /** Carried states [T, H, mb] (equal to the output where not masked). */
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

    /** Columns [c0, c0 + width) of step t of a step-blocked array: a contiguous 'f'-order [mb, width] view. */
    static INDArray block(INDArray a, long t, long c0, long width) {
        long k = a.size(1);
        long mb = a.size(2);
        return Nd4j.create(a.data(), new long[]{mb, width}, new long[]{1, mb}, a.offset() + (t * k + c0) * mb, 1, 'f');
    }

    INDArray lastState() {
        return block(states, steps - 1, 0, states.size(1));
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
