package io.sparkrnn.model;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * Runtime GRU layer for {@link GruLayer} (equations, parameter layout and cost are documented there).
 * <p>
 * State for {@code rnnTimeStep} and truncated BPTT is the last carried hidden state [mb, H] under
 * {@link #STATE_KEY_PREV_ACTIVATION}, the same key DL4J's LSTM uses. Backprop reuses the training forward pass
 * (see {@link FusedRecurrentLayerImpl}).
 */
public class GruLayerImpl extends FusedRecurrentLayerImpl<GruLayer, GruForwardPass> {

    public static final String STATE_KEY_PREV_ACTIVATION = "prevAct";

    public GruLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType, STATE_KEY_PREV_ACTIVATION);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
            int minibatchSize) {
        // Unlike DL4J's LSTM (which drops it) we keep the feature mask: masked steps output 0 and keep the state.
        this.maskArray = maskArray;
        this.maskState = currentMaskState;
        return new Pair<>(maskArray, currentMaskState);
    }

    @Override
    GruForwardPass runKernel(INDArray x, INDArray[] initial, boolean training, ArrayType store, ArrayType temp,
            ArrayType outType, LayerWorkspaceMgr mgr) {
        INDArray w = getParamWithNoise(GruParamInitializer.INPUT_WEIGHT_KEY, training, mgr);
        INDArray rw = getParamWithNoise(GruParamInitializer.RECURRENT_WEIGHT_KEY, training, mgr);
        INDArray b = getParamWithNoise(GruParamInitializer.INPUT_BIAS_KEY, training, mgr);
        INDArray rb = getParamWithNoise(GruParamInitializer.RECURRENT_BIAS_KEY, training, mgr);
        return GruKernels.forward(x, initial == null ? null : initial[0], w, rw, b, rb, maskArray,
                layerConf().getActivationFn(), training, training, store, temp, outType, mgr);
    }

    @Override
    INDArray backwardKernel(GruForwardPass pass, INDArray eps, int tbpttSteps, LayerWorkspaceMgr mgr) {
        return GruKernels.backward(pass, eps, tbpttSteps, layerConf().getActivationFn(), gradientViews, mgr);
    }
}
