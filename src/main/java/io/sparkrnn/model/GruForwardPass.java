package io.sparkrnn.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** What a GRU forward pass keeps for backprop; per-step arrays are step-blocked (see {@link StepBlocked}). */
final class GruForwardPass extends StoredForwardPass {
    /** Gate activations [T, 3H, mb]: r | z | n. */
    INDArray gates;
    /** Recurrent projections h_{t-1} RW + rb, [T, 3H, mb]. */
    INDArray hu;
    /** Candidate pre-activations [T, H, mb]; only kept for activations other than tanh. */
    INDArray preN;

    @Override
    INDArray[] kept() {
        return new INDArray[]{x, gates, hu, preN, states, maskT, w, rw};
    }

    @Override
    INDArray[] lastState() {
        return new INDArray[]{lastHidden()};
    }
}
