package io.sparkrnn.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** What an LSTM forward pass keeps for backprop; per-step arrays are step-blocked (see {@link StepBlocked}). */
final class LstmForwardPass extends StoredForwardPass {
    /** Gate activations [T, 4H, mb] in DL4J's order: a (tanh input) | f (forget) | o (output) | g (input gate). */
    INDArray gates;
    /** Memory cells [T, H, mb] (after masking). */
    INDArray cells;
    /** tanh of the memory cells before masking [T, H, mb]. */
    INDArray cellTanh;
    /** Initial memory cell [mb, H], null for zeros. */
    INDArray c0;

    @Override
    INDArray[] kept() {
        return new INDArray[]{x, gates, cells, cellTanh, states, maskT, w, rw};
    }

    @Override
    INDArray[] lastState() {
        return new INDArray[]{lastHidden(), StepBlocked.block(cells, steps - 1, 0, cells.size(1))};
    }
}
