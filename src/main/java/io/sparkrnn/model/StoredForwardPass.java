package io.sparkrnn.model;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a fused recurrent layer's forward pass keeps so that backprop can reuse it instead of running the forward
 * pass again (DL4J's own LSTM recomputes it). Per-step arrays are step-blocked (see {@link StepBlocked}).
 */
abstract class StoredForwardPass {
    long mb;
    long steps;
    /** Inputs, time-major [T*mb, nIn], for the weight-gradient GEMM. */
    INDArray x;
    /** Carried hidden states [T, H, mb]. */
    INDArray states;
    /** Initial hidden state [mb, H], null for zeros. */
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

    /** Records the pass's inputs and makes the time-major input rows and the transposed mask every cell needs. */
    void start(INDArray input, INDArray h0, INDArray w, INDArray rw, INDArray mask, ArrayType store,
            LayerWorkspaceMgr mgr) {
        this.mb = input.size(0);
        this.steps = input.size(2);
        this.w = w;
        this.rw = rw;
        this.h0 = h0;
        this.x = StepBlocked.timeMajorInput(input, store, mgr);
        this.maskT = mask == null ? null : mgr.dup(store, mask.castTo(w.dataType()).transpose(), 'c');
    }

    /** The workspace arrays backprop reads. */
    abstract INDArray[] kept();

    /** The state to carry into the next sequence (rnnTimeStep, truncated BPTT), in the layer's state-key order. */
    abstract INDArray[] lastState();

    /** The last step's hidden state [mb, H]. */
    INDArray lastHidden() {
        return StepBlocked.block(states, steps - 1, 0, states.size(1));
    }

    /** False once any workspace array of this pass has been released, i.e. its memory may hold other data. */
    boolean usable() {
        for (INDArray a : kept()) {
            if (a != null && a.wasClosed()) {
                return false;
            }
        }
        return true;
    }
}
