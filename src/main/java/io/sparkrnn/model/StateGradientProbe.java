package io.sparkrnn.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.Supplier;

/**
 * A window into our fused layers' backward passes for measurements (the vanishing-gradient experiment): while
 * a recorder is installed on the current thread, the LSTM and GRU kernels hand it dL/dh_t, the gradient of the
 * loss with respect to the hidden state at step t (from the layer above and from step t + 1), once per step as
 * backprop walks back in time. Without a recorder the kernels pay one thread-local read per backward pass.
 */
public final class StateGradientProbe {
    /** Receives dL/dh_t [minibatch, hidden]; the array is the kernel's working memory: read it, do not keep it. */
    public interface Recorder {
        void record(long step, INDArray stateGradient);
    }

    private static final ThreadLocal<Recorder> CURRENT = new ThreadLocal<>();

    private StateGradientProbe() { }

    /** Runs {@code action} with {@code recorder} receiving every backward step of our kernels on this thread. */
    public static <T> T recording(Recorder recorder, Supplier<T> action) {
        Recorder before = CURRENT.get();
        CURRENT.set(recorder);
        try {
            return action.get();
        } finally {
            CURRENT.set(before);
        }
    }

    /** The recorder of this thread, or null (the normal case: nothing is recorded). */
    static Recorder current() {
        return CURRENT.get();
    }
}
