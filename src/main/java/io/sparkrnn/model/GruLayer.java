package io.sparkrnn.model;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Gated recurrent unit layer configuration for DL4J 1.0.0-M2.1 (which ships none).
 *
 * <h2>Equations</h2>
 * PyTorch / cuDNN convention, "reset after" (the reset gate multiplies the recurrent projection, bias included):
 * <pre>
 * r  = sigmoid(x W_r + b_r + h U_r + c_r)
 * z  = sigmoid(x W_z + b_z + h U_z + c_z)
 * n  = act(x W_n + b_n + r ⊙ (h U_n + c_n))      act = the layer activation, tanh by default
 * h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 * The gates always use sigmoid. The initial hidden state is zero (or the state stored by
 * {@code rnnTimeStep}/TBPTT). With x as a row vector, a PyTorch {@code nn.GRU} weight {@code weight_ih_l0}
 * ([3H, D], rows r|z|n) maps to {@code W = weight_ih_l0ᵀ}, {@code weight_hh_l0} to {@code RW}, {@code bias_ih_l0}
 * to {@code b} and {@code bias_hh_l0} to {@code rb}.
 *
 * <h2>Parameters</h2>
 * See {@link GruParamInitializer}: {@code W} [nIn, 3H], {@code RW} [H, 3H] (both 'f' order, column blocks
 * r|z|n), {@code b} [1, 3H] and {@code rb} [1, 3H]. Parameter count = 3H(D+H) + 6H (two bias vectors).
 * {@code biasInit} is applied to {@code b} only; {@code rb} starts at zero.
 *
 * <h2>Cost</h2>
 * Training FLOPs per token ≈ 18·H·(D+H): 6H(D+H) forward (the x and h projections), twice that backward.
 * The input projection of all time steps is one GEMM [mb*T, D] x [D, 3H]; each step does one GEMM [mb, H] x [H, 3H].
 *
 * <h2>Data and masks</h2>
 * Input [minibatch, nIn, time] and output [minibatch, nOut, time] (NCW; NWC is supported via
 * {@code dataFormat}). With a feature mask [minibatch, time], masked steps output 0 and leave the carried state
 * unchanged. (DL4J's own unidirectional LSTM ignores the feature mask; its bidirectional use resets the state to 0.
 * The two agree for the usual trailing padding.)
 *
 * <h2>Usage</h2>
 * <pre>
 * new GruLayer.Builder().nIn(d).nOut(h).build()                          // tanh candidate, sigmoid gates
 * new GruLayer.Builder().nIn(d).nOut(h).activation(Activation.TANH)
 *         .weightInit(WeightInit.XAVIER).weightInitRecurrent(WeightInit.XAVIER)
 *         .dropOut(0.9).l2(1e-5).dataFormat(RNNFormat.NCW).build()
 * </pre>
 * Weight init, regularization, updaters, gradient normalization, constraints ({@code constrainRecurrent} for
 * {@code RW}, {@code constrainInputWeights} for {@code W}) and input dropout come from the DL4J base configuration.
 */
public class GruLayer extends BaseRecurrentLayer {

    /** For Jackson (DL4J's JSON serialization instantiates layer configs reflectively). */
    public GruLayer() {
    }

    protected GruLayer(Builder builder) {
        super(builder);
        initializeConstraints(builder);
    }

    @Override
    protected void initializeConstraints(org.deeplearning4j.nn.conf.layers.Layer.Builder<?> builder) {
        // The base handles weight/bias/all-param constraints and the dropout; the recurrent-layer builder keeps
        // input and recurrent weight constraints separately, so map them to our keys here.
        super.initializeConstraints(builder);
        Builder b = (Builder) builder;
        addConstraints(b.getRecurrentConstraints(), GruParamInitializer.RECURRENT_WEIGHT_KEY);
        addConstraints(b.getInputWeightConstraints(), GruParamInitializer.INPUT_WEIGHT_KEY);
    }

    private void addConstraints(List<LayerConstraint> cs, String key) {
        if (cs == null || cs.isEmpty()) {
            return;
        }
        if (constraints == null) {
            constraints = new ArrayList<>();
        }
        for (LayerConstraint c : cs) {
            LayerConstraint c2 = c.clone();
            c2.setParams(Collections.singleton(key));
            constraints.add(c2);
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("GruLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        GruLayerImpl ret = new GruLayerImpl(conf, networkDataType);
        ret.setListeners(trainingListeners);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        ret.setParamTable(paramTable);
        ret.setConf(conf);
        return ret;
    }

    @Override
    public ParamInitializer initializer() {
        return GruParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(numParams);
        long perExampleOut = outputType.arrayElementsPerExample();
        // Training keeps gates (3H), recurrent projections (3H) and states (H) per step, backward two 3H/H buffers.
        return new LayerMemoryReport.Builder(getLayerName(), GruLayer.class, inputType, outputType)
                .standardMemory(numParams, updaterState)
                .workingMemory(0, 6 * perExampleOut, 0, 11 * perExampleOut)
                .cacheMemory(0, 0)
                .build();
    }

    /** Builder; {@code activation} is the candidate activation and defaults to tanh (not the network default). */
    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {

        public Builder() {
            // Without this the network-wide default activation (sigmoid in DL4J) would silently replace tanh.
            this.setActivationFn(new ActivationTanH());
        }

        @Override
        @SuppressWarnings("unchecked")
        public GruLayer build() {
            return new GruLayer(this);
        }
    }
}
