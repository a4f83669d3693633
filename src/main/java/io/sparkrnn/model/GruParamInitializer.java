package io.sparkrnn.model;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Parameters of a {@link GruLayer}, laid out in the flat parameter vector in this order:
 * <ol>
 *   <li>{@value #INPUT_WEIGHT_KEY}: input weights, shape [nIn, 3*nOut], 'f' order, column blocks [W_r | W_z | W_n]</li>
 *   <li>{@value #RECURRENT_WEIGHT_KEY}: recurrent weights, shape [nOut, 3*nOut], 'f' order, blocks [U_r | U_z | U_n]</li>
 *   <li>{@value #INPUT_BIAS_KEY}: input bias, shape [1, 3*nOut], blocks [b_r | b_z | b_n]</li>
 *   <li>{@value #RECURRENT_BIAS_KEY}: recurrent bias, shape [1, 3*nOut], blocks [c_r | c_z | c_n]</li>
 * </ol>
 * Two bias vectors (as in PyTorch/cuDNN) because c_n sits inside the reset gate product and cannot be folded into
 * b_n. 'f' order makes each gate's column block of a weight matrix contiguous, which the backward pass relies on.
 */
public final class GruParamInitializer implements ParamInitializer {

    public static final String INPUT_WEIGHT_KEY = "W";
    public static final String RECURRENT_WEIGHT_KEY = "RW";
    public static final String INPUT_BIAS_KEY = "b";
    public static final String RECURRENT_BIAS_KEY = "rb";

    private static final List<String> WEIGHT_KEYS =
            Collections.unmodifiableList(Arrays.asList(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY));
    private static final List<String> BIAS_KEYS =
            Collections.unmodifiableList(Arrays.asList(INPUT_BIAS_KEY, RECURRENT_BIAS_KEY));
    private static final List<String> ALL_KEYS = Collections.unmodifiableList(
            Arrays.asList(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY, INPUT_BIAS_KEY, RECURRENT_BIAS_KEY));

    private static final GruParamInitializer INSTANCE = new GruParamInitializer();

    public static GruParamInitializer getInstance() {
        return INSTANCE;
    }

    private GruParamInitializer() {
    }

    /** 3H(D+H) weights + 6H biases. */
    public static long numParams(long nIn, long nOut) {
        return 3 * nOut * (nIn + nOut) + 6 * nOut;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        GruLayer c = (GruLayer) layer;
        return numParams(c.getNIn(), c.getNOut());
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return ALL_KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return WEIGHT_KEYS;
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return BIAS_KEYS;
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_KEYS.contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEYS.contains(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        GruLayer c = (GruLayer) conf.getLayer();
        long nIn = c.getNIn();
        long nOut = c.getNOut();
        if (paramsView.length() != numParams(nIn, nOut)) {
            throw new IllegalStateException("Expected params view of length " + numParams(nIn, nOut)
                    + ", got " + paramsView.length());
        }
        Map<String, INDArray> m = views(paramsView, nIn, nOut);
        if (initializeParams) {
            // Fans per gate (not per 3 gates) so that each gate's block gets the scale a dense layer of the same
            // shape would get.
            c.getWeightInitFn().init(nIn, nOut, new long[]{nIn, 3 * nOut}, 'f', m.get(INPUT_WEIGHT_KEY));
            IWeightInit rwInit = c.getWeightInitFnRecurrent() != null ? c.getWeightInitFnRecurrent() : c.getWeightInitFn();
            rwInit.init(nOut, nOut, new long[]{nOut, 3 * nOut}, 'f', m.get(RECURRENT_WEIGHT_KEY));
            m.get(INPUT_BIAS_KEY).assign(c.getBiasInit());
            // Only one of the two bias vectors carries biasInit: otherwise every gate would see it twice.
            m.get(RECURRENT_BIAS_KEY).assign(0.0);
        }
        for (String k : ALL_KEYS) {
            conf.addVariable(k);
        }
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        GruLayer c = (GruLayer) conf.getLayer();
        return views(gradientView, c.getNIn(), c.getNOut());
    }

    private static Map<String, INDArray> views(INDArray flat, long nIn, long nOut) {
        INDArray v = flat.reshape(flat.length());
        long g = 3 * nOut;
        long p0 = 0;
        long p1 = p0 + nIn * g;
        long p2 = p1 + nOut * g;
        long p3 = p2 + g;
        long p4 = p3 + g;
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(INPUT_WEIGHT_KEY, v.get(interval(p0, p1)).reshape('f', nIn, g));
        m.put(RECURRENT_WEIGHT_KEY, v.get(interval(p1, p2)).reshape('f', nOut, g));
        m.put(INPUT_BIAS_KEY, v.get(interval(p2, p3)).reshape('c', 1, g));
        m.put(RECURRENT_BIAS_KEY, v.get(interval(p3, p4)).reshape('c', 1, g));
        return m;
    }
}
