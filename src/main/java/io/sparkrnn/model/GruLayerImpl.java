package io.sparkrnn.model;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.base.Preconditions;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime GRU layer for {@link GruLayer} (equations, parameter layout and cost are documented there).
 * <p>
 * State for {@code rnnTimeStep} and truncated BPTT is the last carried hidden state [mb, H] under
 * {@link #STATE_KEY_PREV_ACTIVATION}, the same key DL4J's LSTM uses.
 * <p>
 * A training-mode forward pass keeps its intermediates (in the ACTIVATIONS workspace, which DL4J keeps open until
 * backprop has finished) and backprop reuses them when the input and mask are the same objects and none of the
 * arrays has been released; otherwise backprop recomputes the forward pass in BP working memory.
 */
public class GruLayerImpl extends BaseRecurrentLayer<GruLayer> {

    public static final String STATE_KEY_PREV_ACTIVATION = "prevAct";

    private GruForwardPass lastTrainingPass;
    /** How often backprop had to recompute the forward pass (the slow path); read by tests. */
    int recomputedForwardPasses;

    public GruLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return forward(training, null, workspaceMgr).output;
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        GruForwardPass f = forward(false, stateMap.get(STATE_KEY_PREV_ACTIVATION), workspaceMgr);
        stateMap.put(STATE_KEY_PREV_ACTIVATION, f.lastState().detach());
        return f.output;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
            LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        GruForwardPass f = forward(training, tBpttStateMap.get(STATE_KEY_PREV_ACTIVATION), workspaceMgr);
        if (storeLastForTBPTT) {
            tBpttStateMap.put(STATE_KEY_PREV_ACTIVATION, f.lastState().detach());
        }
        return f.output;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return backprop(epsilon, -1, false, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
            LayerWorkspaceMgr workspaceMgr) {
        return backprop(epsilon, tbpttBackLength, true, workspaceMgr);
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
    public void clear() {
        super.clear();
        lastTrainingPass = null;
    }

    private GruForwardPass forward(boolean training, INDArray h0, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        Preconditions.checkState(input.rank() == 3, "GRU expects 3-D input, got rank %s", input.rank());
        applyDropOutIfNecessary(training, mgr);
        lastTrainingPass = null;
        GruForwardPass f = run(training, h0, training ? ArrayType.ACTIVATIONS : ArrayType.FF_WORKING_MEM,
                ArrayType.FF_WORKING_MEM, ArrayType.ACTIVATIONS, mgr);
        if (training) {
            lastTrainingPass = f;
        }
        f.output = permuteIfNWC(f.output);
        return f;
    }

    private GruForwardPass run(boolean training, INDArray h0, ArrayType store, ArrayType temp, ArrayType outType,
            LayerWorkspaceMgr mgr) {
        INDArray x = permuteIfNWC(input.castTo(dataType));
        INDArray w = getParamWithNoise(GruParamInitializer.INPUT_WEIGHT_KEY, training, mgr);
        INDArray rw = getParamWithNoise(GruParamInitializer.RECURRENT_WEIGHT_KEY, training, mgr);
        INDArray b = getParamWithNoise(GruParamInitializer.INPUT_BIAS_KEY, training, mgr);
        INDArray rb = getParamWithNoise(GruParamInitializer.RECURRENT_BIAS_KEY, training, mgr);
        GruForwardPass f = GruKernels.forward(x, h0, w, rw, b, rb, maskArray, layerConf().getActivationFn(),
                training, training, store, temp, outType, mgr);
        f.sourceInput = input;
        f.sourceMask = maskArray;
        return f;
    }

    private Pair<Gradient, INDArray> backprop(INDArray epsilon, int tbpttBackLength, boolean truncated,
            LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        GruForwardPass f = lastTrainingPass;
        lastTrainingPass = null;
        if (f == null || f.sourceInput != input || f.sourceMask != maskArray || !f.usable()) {
            recomputedForwardPasses++;
            applyDropOutIfNecessary(true, mgr);
            INDArray h0 = truncated ? stateMap.get(STATE_KEY_PREV_ACTIVATION) : null;
            f = run(true, h0, ArrayType.BP_WORKING_MEM, ArrayType.BP_WORKING_MEM, ArrayType.BP_WORKING_MEM, mgr);
            if (truncated) {
                tBpttStateMap.put(STATE_KEY_PREV_ACTIVATION, f.lastState().detach());
            }
        }
        INDArray epsOut = GruKernels.backward(f, permuteIfNWC(epsilon), tbpttBackLength,
                layerConf().getActivationFn(), gradientViews, mgr);
        weightNoiseParams.clear();

        Gradient g = new DefaultGradient(gradientsFlattened);
        for (String k : GruParamInitializer.getInstance().paramKeys(layerConf())) {
            g.gradientForVariable().put(k, gradientViews.get(k));
        }
        // Dropout was applied to the input as given (NWC or NCW), so its mask has that shape.
        return new Pair<>(g, backpropDropOutIfPresent(permuteIfNWC(epsOut)));
    }
}
