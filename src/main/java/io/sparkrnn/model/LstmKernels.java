package io.sparkrnn.model;

import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

import static io.sparkrnn.model.StepBlocked.block;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * LSTM forward and backward passes over a whole sequence, with exactly the equations of DL4J's {@code LSTM}
 * (no peepholes, tanh activation, sigmoid gates; see {@link FastLstm}).
 * <p>
 * The input projection of all steps is one GEMM before the loop; the weight, bias and input gradients are GEMMs
 * after the loop over the stored per-step gate gradients. Inside the loop: one GEMM per step plus a fixed number
 * of element-wise ops on contiguous blocks and preallocated scratch arrays (nothing is allocated per step).
 * Layouts: see {@link StepBlocked}.
 */
final class LstmKernels {

    private LstmKernels() {
    }

    /**
     * @param x       input [mb, nIn, T] (NCW)
     * @param h0      initial hidden state [mb, H] or null for zeros
     * @param c0      initial memory cell [mb, H] or null for zeros
     * @param mask    feature mask [mb, T] or null; as in DL4J, a masked step outputs 0 and resets the state to 0
     * @param store   where arrays the backward pass needs go (ACTIVATIONS when kept for backprop, else working mem)
     * @param temp    where scratch arrays go
     * @param outType where the output goes (ACTIVATIONS, or working memory when only backprop needs the pass)
     */
    static LstmForwardPass forward(INDArray x, INDArray h0, INDArray c0, INDArray w, INDArray rw, INDArray b,
            INDArray mask, ArrayType store, ArrayType temp, ArrayType outType, LayerWorkspaceMgr mgr) {
        final long mb = x.size(0);
        final long steps = x.size(2);
        final long h = rw.size(0);
        final DataType dt = w.dataType();
        StepBlocked.requireStateShape("LSTM", h0, mb, h);
        StepBlocked.requireStateShape("LSTM", c0, mb, h);

        LstmForwardPass f = new LstmForwardPass();
        f.start(x, h0, w, rw, mask, store, mgr);
        f.c0 = c0;
        f.gates = StepBlocked.inputProjection(f.x, w, b, steps, mb, store, temp, mgr);
        f.cells = mgr.createUninitialized(store, dt, new long[]{steps, h, mb}, 'c');
        f.cellTanh = mgr.createUninitialized(store, dt, new long[]{steps, h, mb}, 'c');
        // The hidden states are the output itself (masked steps are 0 in both).
        f.states = mgr.createUninitialized(outType, dt, new long[]{steps, h, mb}, 'c');
        INDArray tmp = mgr.createUninitialized(temp, dt, new long[]{mb, h}, 'f');

        INDArray hPrev = h0;
        INDArray cPrev = c0;
        for (long t = 0; t < steps; t++) {
            if (hPrev != null) {
                Nd4j.gemm(hPrev, rw, block(f.gates, t, 0, 4 * h), false, false, 1.0, 1.0);
            }
            INDArray a = block(f.gates, t, 0, h);
            Transforms.tanh(a, false);
            Transforms.sigmoid(block(f.gates, t, h, 3 * h), false);
            INDArray fg = block(f.gates, t, h, h);
            INDArray o = block(f.gates, t, 2 * h, h);
            INDArray g = block(f.gates, t, 3 * h, h);

            // c = f c_prev + g a;  h = o tanh(c)
            INDArray c = block(f.cells, t, 0, h);
            g.muli(a, c);
            if (cPrev != null) {
                fg.muli(cPrev, tmp);
                c.addi(tmp);
            }
            INDArray ct = block(f.cellTanh, t, 0, h);
            Nd4j.getExecutioner().exec(new Tanh(c, ct));
            INDArray hNew = block(f.states, t, 0, h);
            o.muli(ct, hNew);
            if (f.maskT != null) {
                INDArray m = f.maskT.getRow(t).reshape(mb, 1);
                hNew.muliColumnVector(m);
                c.muliColumnVector(m);
            }
            hPrev = hNew;
            cPrev = c;
        }
        f.output = f.states.permute(2, 1, 0); // [mb, H, T] in 'f' order, DL4J's usual RNN layout
        return f;
    }

    /**
     * Backward pass through time, writing parameter gradients into {@code grads} (the layer's gradient views).
     *
     * @param eps        dL/d(output) [mb, H, T] (NCW)
     * @param tbpttSteps if > 0, backpropagate through only the last tbpttSteps steps (truncated BPTT)
     * @return dL/d(input) [mb, nIn, T] (NCW), in ACTIVATION_GRAD
     */
    static INDArray backward(LstmForwardPass f, INDArray eps, int tbpttSteps, Map<String, INDArray> grads,
            LayerWorkspaceMgr mgr) {
        final long mb = f.mb;
        final long steps = f.steps;
        final long h = f.rw.size(0);
        final DataType dt = f.w.dataType();
        final ArrayType bp = ArrayType.BP_WORKING_MEM;
        final long first = StepBlocked.firstBackpropStep(steps, tbpttSteps);

        INDArray e = StepBlocked.stepBlockedEpsilon(eps, mgr);
        // Gradients w.r.t. the gate pre-activations, same block order as the gates.
        INDArray dz = mgr.createUninitialized(bp, dt, new long[]{steps, 4 * h, mb}, 'c');
        INDArray dh = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'f');
        INDArray dc = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'f');
        INDArray dhNext = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'f');
        INDArray dcNext = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'f');
        INDArray tmp = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'f');
        // s (1 - s) of the three sigmoid gates f | o | g, which are adjacent: one op each for all three.
        INDArray sigmoidSlopes = mgr.createUninitialized(bp, dt, new long[]{mb, 3 * h}, 'f');
        INDArray rwT = StepBlocked.transposedCopy(f.rw, mgr);

        StateGradientProbe.Recorder probe = StateGradientProbe.current();
        boolean haveNext = false;
        for (long t = steps - 1; t >= first; t--) {
            INDArray et = block(e, t, 0, h);
            if (haveNext) {
                et.addi(dhNext, dh);
            } else {
                dh.assign(et);
            }
            INDArray m = f.maskT == null ? null : f.maskT.getRow(t).reshape(mb, 1);
            if (m != null) {
                // h and c of a masked step are multiplied by the mask: so are their gradients.
                dh.muliColumnVector(m);
                if (haveNext) {
                    dcNext.muliColumnVector(m);
                }
            }
            if (probe != null) {
                probe.record(t, dh);
            }
            INDArray a = block(f.gates, t, 0, h);
            INDArray fg = block(f.gates, t, h, h);
            INDArray o = block(f.gates, t, 2 * h, h);
            INDArray g = block(f.gates, t, 3 * h, h);
            INDArray ct = block(f.cellTanh, t, 0, h);
            INDArray cPrev = t > 0 ? block(f.cells, t - 1, 0, h) : f.c0;
            INDArray da = block(dz, t, 0, h);
            INDArray df = block(dz, t, h, h);
            INDArray dO = block(dz, t, 2 * h, h);
            INDArray dg = block(dz, t, 3 * h, h);

            INDArray sigmoids = block(f.gates, t, h, 3 * h);
            sigmoids.rsubi(1.0, sigmoidSlopes);
            sigmoidSlopes.muli(sigmoids);

            // o: dL/do = dh tanh(c) (through its sigmoid below)
            dh.muli(ct, dO);
            // c: dL/dc = dh o (1 - tanh(c)^2) + the next step's f dL/dc
            ct.muli(ct, tmp);
            tmp.rsubi(1.0);
            tmp.muli(o);
            dh.muli(tmp, dc);
            if (haveNext) {
                dc.addi(dcNext);
            }
            // f: dL/df = dc c_prev (zero when the previous cell is zero)
            if (cPrev != null) {
                dc.muli(cPrev, df);
            } else {
                df.assign(0.0);
            }
            // g: dL/dg = dc a
            dc.muli(a, dg);
            // f, o and g through their sigmoids
            block(dz, t, h, 3 * h).muli(sigmoidSlopes);
            // a: dL/da = dc g, through tanh
            a.muli(a, tmp);
            tmp.rsubi(1.0);
            tmp.muli(g);
            dc.muli(tmp, da);

            if (t > first) {
                dc.muli(fg, dcNext);
                Nd4j.gemm(block(dz, t, 0, 4 * h), rwT, dhNext, false, false, 1.0, 0.0);
                haveNext = true;
            }
        }

        INDArray dRows = StepBlocked.timeMajorRows(dz, first, steps, bp, mgr);
        INDArray x = f.x.get(interval(first * mb, steps * mb), all());
        Nd4j.gemm(x, dRows, grads.get(LSTMParamInitializer.INPUT_WEIGHT_KEY), true, false, 1.0, 0.0);
        StepBlocked.recurrentWeightGradient(f.states, f.h0, dRows, first,
                grads.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY), mgr);
        StepBlocked.columnSums(dRows, grads.get(LSTMParamInitializer.BIAS_KEY), mgr);

        INDArray out = StepBlocked.newInputGradient(steps, mb, f.w.size(0), first, dt, mgr);
        Nd4j.gemm(dRows, f.w, StepBlocked.inputGradientRows(out, first), false, true, 1.0, 0.0);
        return StepBlocked.asNcw(out);
    }
}
