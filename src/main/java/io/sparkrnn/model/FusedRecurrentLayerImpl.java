package io.sparkrnn.model;

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

import java.util.Map;

/**
 * The DL4J plumbing our fused recurrent layers (GRU, LSTM) share: inference and training passes, stored state for
 * {@code rnnTimeStep} and truncated BPTT, dropout, NWC, and backprop that reuses the training forward pass.
 * <p>
 * A training-mode forward pass keeps its intermediates (in the ACTIVATIONS workspace, which DL4J keeps open until
 * backprop has finished) and backprop reuses them when the input and mask are the same objects and none of the
 * arrays has been released; otherwise backprop recomputes the forward pass in BP working memory.
 *
 * @param <C> the layer configuration
 * @param <P> what the cell's forward pass keeps
 */
abstract class FusedRecurrentLayerImpl<C extends org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer,
        P extends StoredForwardPass> extends BaseRecurrentLayer<C> {

    /** State-map keys of the carried state, in the order {@link StoredForwardPass#lastState()} returns it. */
    private final String[] stateKeys;
    private P lastTrainingPass;
    /** How often backprop had to recompute the forward pass (the slow path); read by tests. */
    int recomputedForwardPasses;

    FusedRecurrentLayerImpl(NeuralNetConfiguration conf, DataType dataType, String... stateKeys) {
        super(conf, dataType);
        this.stateKeys = stateKeys;
    }

    /**
     * Runs the cell's forward kernel on {@code x} (NCW, dropout applied).
     *
     * @param initial the carried state (one array per state key), or null to start from zeros
     */
    abstract P runKernel(INDArray x, INDArray[] initial, boolean training, ArrayType store, ArrayType temp,
            ArrayType outType, LayerWorkspaceMgr mgr);

    /** Runs the cell's backward kernel, writing {@code gradientViews}, and returns dL/d(input) (NCW). */
    abstract INDArray backwardKernel(P pass, INDArray eps, int tbpttSteps, LayerWorkspaceMgr mgr);

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
        P f = forward(false, carried(stateMap), workspaceMgr);
        carry(f, stateMap);
        return f.output;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
            LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        P f = forward(training, carried(tBpttStateMap), workspaceMgr);
        if (storeLastForTBPTT) {
            carry(f, tBpttStateMap);
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
    public void clear() {
        super.clear();
        lastTrainingPass = null;
    }

    private INDArray[] carried(Map<String, INDArray> states) {
        String[] keys = stateKeys;
        if (states.get(keys[0]) == null) {
            return null;
        }
        INDArray[] initial = new INDArray[keys.length];
        for (int i = 0; i < keys.length; i++) {
            initial[i] = states.get(keys[i]);
        }
        return initial;
    }

    private void carry(P pass, Map<String, INDArray> states) {
        String[] keys = stateKeys;
        INDArray[] last = pass.lastState();
        for (int i = 0; i < keys.length; i++) {
            states.put(keys[i], last[i].detach());
        }
    }

    private P forward(boolean training, INDArray[] initial, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        Preconditions.checkState(input.rank() == 3, "%s expects 3-D input, got rank %s",
                getClass().getSimpleName(), input.rank());
        applyDropOutIfNecessary(training, mgr);
        lastTrainingPass = null;
        P f = run(training, initial, training ? ArrayType.ACTIVATIONS : ArrayType.FF_WORKING_MEM,
                ArrayType.FF_WORKING_MEM, ArrayType.ACTIVATIONS, mgr);
        if (training) {
            lastTrainingPass = f;
            // The training output is a view of the states backprop reuses, and callers may change it in place
            // (DL4J's Bidirectional ADD does out1.addi(out2)): they get a copy. One copy of [mb, H, T] per layer,
            // small next to the layer's GEMMs.
            f.output = mgr.dup(ArrayType.ACTIVATIONS, f.output);
        }
        f.output = permuteIfNWC(f.output);
        return f;
    }

    private P run(boolean training, INDArray[] initial, ArrayType store, ArrayType temp, ArrayType outType,
            LayerWorkspaceMgr mgr) {
        INDArray x = permuteIfNWC(input.castTo(dataType));
        P f = runKernel(x, initial, training, store, temp, outType, mgr);
        f.sourceInput = input;
        f.sourceMask = maskArray;
        return f;
    }

    private Pair<Gradient, INDArray> backprop(INDArray epsilon, int tbpttBackLength, boolean truncated,
            LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        P f = lastTrainingPass;
        lastTrainingPass = null;
        if (f == null || f.sourceInput != input || f.sourceMask != maskArray || !f.usable()) {
            recomputedForwardPasses++;
            applyDropOutIfNecessary(true, mgr);
            f = run(true, truncated ? carried(stateMap) : null, ArrayType.BP_WORKING_MEM, ArrayType.BP_WORKING_MEM,
                    ArrayType.BP_WORKING_MEM, mgr);
            if (truncated) {
                carry(f, tBpttStateMap);
            }
        }
        INDArray epsOut = backwardKernel(f, permuteIfNWC(epsilon), tbpttBackLength, mgr);
        weightNoiseParams.clear();

        Gradient g = new DefaultGradient(gradientsFlattened);
        for (String k : layerConf().initializer().paramKeys(layerConf())) {
            g.gradientForVariable().put(k, gradientViews.get(k));
        }
        // Dropout was applied to the input as given (NWC or NCW), so its mask has that shape.
        return new Pair<>(g, backpropDropOutIfPresent(permuteIfNWC(epsOut)));
    }
}
