package io.sparkrnn.model;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * Runtime layer of {@link FastLstm}. Carried state for {@code rnnTimeStep} and truncated BPTT uses DL4J's LSTM
 * keys ({@value #STATE_KEY_PREV_ACTIVATION}, {@value #STATE_KEY_PREV_MEMCELL}); backprop reuses the training
 * forward pass (see {@link FusedRecurrentLayerImpl}).
 */
public class FastLstmImpl extends FusedRecurrentLayerImpl<FastLstm, LstmForwardPass> {

    public static final String STATE_KEY_PREV_ACTIVATION = "prevAct";
    public static final String STATE_KEY_PREV_MEMCELL = "prevMem";

    public FastLstmImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType, STATE_KEY_PREV_ACTIVATION, STATE_KEY_PREV_MEMCELL);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
            int minibatchSize) {
        // As DL4J's LSTM: the mask passes through unchanged; this layer reads it from setMaskArray.
        return new Pair<>(maskArray, MaskState.Passthrough);
    }

    @Override
    LstmForwardPass runKernel(INDArray x, INDArray[] initial, boolean training, ArrayType store, ArrayType temp,
            ArrayType outType, LayerWorkspaceMgr mgr) {
        INDArray w = getParamWithNoise(LSTMParamInitializer.INPUT_WEIGHT_KEY, training, mgr);
        INDArray rw = getParamWithNoise(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, training, mgr);
        INDArray b = getParamWithNoise(LSTMParamInitializer.BIAS_KEY, training, mgr);
        return LstmKernels.forward(x, initial == null ? null : initial[0], initial == null ? null : initial[1],
                w, rw, b, maskArray, store, temp, outType, mgr);
    }

    @Override
    INDArray backwardKernel(LstmForwardPass pass, INDArray eps, int tbpttSteps, LayerWorkspaceMgr mgr) {
        return LstmKernels.backward(pass, eps, tbpttSteps, gradientViews, mgr);
    }
}
