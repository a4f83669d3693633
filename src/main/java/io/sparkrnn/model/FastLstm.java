package io.sparkrnn.model;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;

/**
 * DL4J's {@link LSTM} layer configuration with our fused runtime implementation ({@link FastLstmImpl}).
 * <p>
 * Everything but the speed is DL4J's: the same equations (no peepholes; gates in DL4J's order a | f | o | g,
 * {@code c = f c' + g a}, {@code h = o tanh(c)}), the same parameters ({@code W} [nIn, 4H], {@code RW} [H, 4H],
 * {@code b} [1, 4H], laid out and initialised by DL4J's own {@code LSTMParamInitializer}, forget-gate bias
 * included), so parameters move between the two unchanged, and the same configuration fields (weight init,
 * dropout, regularization, constraints). Only tanh activation with sigmoid gates is implemented (what spark-rnn
 * builds, and DL4J's documented LSTM); anything else is refused with a message.
 * <p>
 * Truncated BPTT from a carried state is checked against finite differences (FastLstmTest); DL4J's own LSTM gives a
 * different segment gradient there, so the two agree exactly on full-sequence training but not on TBPTT segments
 * after the first.
 * <p>
 * Speed: the input projection of all steps is one GEMM, each step one recurrent GEMM and fused element-wise ops
 * on contiguous blocks, and backprop reuses the training forward pass instead of recomputing it.
 * <pre>
 * new FastLstm.Builder().nIn(d).nOut(h).build()   // any LSTM.Builder setting works
 * </pre>
 */
public class FastLstm extends LSTM {

    /** For Jackson (DL4J's JSON serialization instantiates layer configs reflectively). */
    public FastLstm() {
    }

    /** A FastLstm with every setting of {@code conf}. */
    public static FastLstm of(LSTM conf) {
        requireImplemented(conf);
        FastLstm fast = new FastLstm();
        copyFields(conf, fast);
        return fast;
    }

    /** Refuses what the fused kernels do not implement; an unset activation is checked again at instantiation. */
    private static void requireImplemented(LSTM conf) {
        if (conf.getActivationFn() != null && !(conf.getActivationFn() instanceof ActivationTanH)) {
            throw new IllegalArgumentException("FastLstm implements the tanh activation only, got "
                    + conf.getActivationFn() + "; use DL4J's LSTM for other activations");
        }
        if (!(conf.getGateActivationFn() instanceof ActivationSigmoid)) {
            throw new IllegalArgumentException("FastLstm implements sigmoid gates only, got "
                    + conf.getGateActivationFn() + "; use DL4J's LSTM for other gate activations");
        }
    }

    /** Copies every instance field declared by LSTM and its superclasses: the whole configuration. */
    private static void copyFields(LSTM from, FastLstm to) {
        for (Class<?> c = LSTM.class; c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    field.set(to, field.get(from));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot copy LSTM setting " + field.getName(), e);
                }
            }
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("FastLstm", getLayerName(), layerIndex, getNIn(), getNOut());
        requireImplemented(this);
        FastLstmImpl ret = new FastLstmImpl(conf, networkDataType);
        ret.setListeners(trainingListeners);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        ParamInitializer initializer = initializer();
        Map<String, INDArray> paramTable = initializer.init(conf, layerParamsView, initializeParams);
        ret.setParamTable(paramTable);
        ret.setConf(conf);
        return ret;
    }

    /**
     * DL4J's LSTM builder; {@link #build()} gives a FastLstm. The activation defaults to tanh (DL4J's LSTM would
     * silently take the network-wide default, sigmoid, which this layer does not implement).
     */
    public static class Builder extends LSTM.Builder {
        public Builder() {
            activation(new ActivationTanH());
        }

        @Override
        public FastLstm build() {
            return FastLstm.of(super.build());
        }
    }
}
