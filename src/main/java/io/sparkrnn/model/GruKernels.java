package io.sparkrnn.model;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

import static io.sparkrnn.model.StepBlocked.block;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * GRU forward and backward passes over a whole sequence (equations in {@link GruLayer}).
 * <p>
 * The input projection of all steps is one GEMM before the loop, the weight and input gradients are GEMMs after
 * the loop over the stored per-step gate gradients. Inside the loop: one GEMM per step plus a fixed number of
 * element-wise ops on contiguous blocks and preallocated scratch arrays (nothing is allocated per step).
 * Layouts: see {@link StepBlocked}.
 */
final class GruKernels {

    private GruKernels() {
    }

    /**
     * @param x       input [mb, nIn, T] (NCW)
     * @param h0      initial state [mb, H] or null for zeros
     * @param store   where arrays the backward pass needs go (ACTIVATIONS when kept for backprop, else working mem)
     * @param temp    where scratch arrays go
     * @param outType where the output goes (ACTIVATIONS, or working memory when only backprop needs the pass)
     */
    static GruForwardPass forward(INDArray x, INDArray h0, INDArray w, INDArray rw, INDArray b, INDArray rb,
            INDArray mask, IActivation act, boolean training, boolean keepPreActivations,
            ArrayType store, ArrayType temp, ArrayType outType, LayerWorkspaceMgr mgr) {
        final long mb = x.size(0);
        final long steps = x.size(2);
        final long h = rw.size(0);
        final DataType dt = w.dataType();
        StepBlocked.requireStateShape("GRU", h0, mb, h);

        GruForwardPass f = new GruForwardPass();
        f.start(x, h0, w, rw, mask, store, mgr);
        f.gates = StepBlocked.inputProjection(f.x, w, b, steps, mb, store, temp, mgr);
        // Prefilled with rb so each step's GEMM can accumulate into it (beta = 1); step 0 without state needs no GEMM.
        f.hu = mgr.createUninitialized(store, dt, new long[]{steps, 3 * h, mb}, 'c');
        Nd4j.getExecutioner().exec(new BroadcastCopyOp(f.hu, rb.reshape(3 * h), f.hu, 1));

        boolean tanh = act instanceof ActivationTanH;
        f.preN = keepPreActivations && !tanh
                ? mgr.createUninitialized(store, dt, new long[]{steps, h, mb}, 'c') : null;
        // Unmasked, the states are the output itself; masked, the output is a separate zeroed copy.
        ArrayType stateType = mask == null ? outType : store;
        f.states = mgr.createUninitialized(stateType, dt, new long[]{steps, h, mb}, 'c');
        INDArray tmp = mgr.createUninitialized(temp, dt, new long[]{mb, h}, 'f');

        INDArray hPrev = h0;
        for (long t = 0; t < steps; t++) {
            if (hPrev != null) {
                Nd4j.gemm(hPrev, rw, block(f.hu, t, 0, 3 * h), false, false, 1.0, 1.0);
            }
            INDArray rz = block(f.gates, t, 0, 2 * h);
            rz.addi(block(f.hu, t, 0, 2 * h));
            Transforms.sigmoid(rz, false);
            INDArray r = block(f.gates, t, 0, h);
            INDArray z = block(f.gates, t, h, h);
            INDArray n = block(f.gates, t, 2 * h, h);
            r.muli(block(f.hu, t, 2 * h, h), tmp);
            n.addi(tmp);
            if (f.preN != null) {
                block(f.preN, t, 0, h).assign(n);
            }
            act.getActivation(n, training);

            // h' = n + z (h - n)
            INDArray hNew = block(f.states, t, 0, h);
            if (hPrev == null) {
                z.rsubi(1.0, tmp);
                n.muli(tmp, hNew);
            } else {
                hPrev.subi(n, tmp);
                tmp.muli(z);
                n.addi(tmp, hNew);
            }
            if (f.maskT != null) {
                INDArray m = f.maskT.getRow(t).reshape(mb, 1);
                if (hPrev == null) {
                    hNew.muliColumnVector(m);
                } else {
                    // masked steps keep the previous state: h' = h + m (h' - h)
                    hNew.subi(hPrev, tmp);
                    tmp.muliColumnVector(m);
                    hPrev.addi(tmp, hNew);
                }
            }
            hPrev = hNew;
        }

        if (f.maskT == null) {
            f.output = f.states.permute(2, 1, 0); // [mb, H, T] in 'f' order, DL4J's usual RNN layout
        } else {
            INDArray out = mgr.createUninitialized(outType, dt, new long[]{steps, h, mb}, 'c');
            Nd4j.getExecutioner().exec(new BroadcastMulOp(f.states, f.maskT, out, 0, 2));
            f.output = out.permute(2, 1, 0);
        }
        return f;
    }

    /**
     * Backward pass through time, writing parameter gradients into {@code grads} (the layer's gradient views).
     *
     * @param eps        dL/d(output) [mb, H, T] (NCW)
     * @param tbpttSteps if > 0, backpropagate through only the last tbpttSteps steps (truncated BPTT)
     * @return dL/d(input) [mb, nIn, T] (NCW), in ACTIVATION_GRAD
     */
    static INDArray backward(GruForwardPass f, INDArray eps, int tbpttSteps, IActivation act,
            Map<String, INDArray> grads, LayerWorkspaceMgr mgr) {
        final long mb = f.mb;
        final long steps = f.steps;
        final long h = f.rw.size(0);
        final DataType dt = f.w.dataType();
        final ArrayType bp = ArrayType.BP_WORKING_MEM;
        final long first = StepBlocked.firstBackpropStep(steps, tbpttSteps);
        final boolean tanh = act instanceof ActivationTanH;

        INDArray e = StepBlocked.stepBlockedEpsilon(eps, mgr);
        // Gradients w.r.t. the recurrent pre-activations (r | z | the h U_n + c_n inside n) and the n input part.
        INDArray dHu = mgr.createUninitialized(bp, dt, new long[]{steps, 3 * h, mb}, 'c');
        INDArray dGn = mgr.createUninitialized(bp, dt, new long[]{steps, h, mb}, 'c');
        INDArray dh = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'f');
        INDArray dhNext = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'f');
        INDArray tmp = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'f');
        INDArray carry = f.maskT == null ? null : mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'f');
        INDArray rwT = StepBlocked.transposedCopy(f.rw, mgr);

        StateGradientProbe.Recorder probe = StateGradientProbe.current();
        boolean haveNext = false;
        for (long t = steps - 1; t >= first; t--) {
            INDArray et = block(e, t, 0, h);
            if (carry != null) {
                // Masked outputs are constant 0, so their epsilon is dropped. The state gradient reaches the new
                // state only where unmasked; elsewhere it flows straight to the previous (carried) state.
                INDArray m = f.maskT.getRow(t).reshape(mb, 1);
                carry.assign(et);
                carry.muliColumnVector(m);
                if (haveNext) {
                    carry.addi(dhNext, dh);
                } else {
                    dh.assign(carry);
                }
                carry.assign(dh);
                dh.muliColumnVector(m);
                carry.subi(dh);
            } else if (haveNext) {
                et.addi(dhNext, dh);
            } else {
                dh.assign(et);
            }
            if (probe != null) {
                probe.record(t, dh);
            }
            INDArray r = block(f.gates, t, 0, h);
            INDArray z = block(f.gates, t, h, h);
            INDArray n = block(f.gates, t, 2 * h, h);
            INDArray hn = block(f.hu, t, 2 * h, h);
            INDArray hPrev = t > 0 ? block(f.states, t - 1, 0, h) : f.h0;
            INDArray dr = block(dHu, t, 0, h);
            INDArray dz = block(dHu, t, h, h);
            INDArray dnu = block(dHu, t, 2 * h, h);
            INDArray dn = block(dGn, t, 0, h);

            // z: dL/dz = dh ⊙ (h - n), through sigmoid
            if (hPrev != null) {
                hPrev.subi(n, dz);
            } else {
                n.rsubi(0.0, dz);
            }
            dz.muli(dh);
            z.rsubi(1.0, tmp);
            dh.muli(tmp, dn);           // dL/dn = dh ⊙ (1 - z)
            tmp.muli(z);
            dz.muli(tmp);
            // n: through the candidate activation
            if (tanh) {
                n.muli(n, tmp);
                tmp.rsubi(1.0);
                dn.muli(tmp);
            } else {
                INDArray pre = mgr.dup(bp, block(f.preN, t, 0, h));
                dn.assign(act.backprop(pre, dn.dup()).getFirst());
            }
            // r: dL/dr = dn ⊙ (h U_n + c_n), through sigmoid
            dn.muli(hn, dr);
            r.rsubi(1.0, tmp);
            tmp.muli(r);
            dr.muli(tmp);
            dn.muli(r, dnu);

            if (t > first) {
                dh.muli(z, dhNext);
                Nd4j.gemm(block(dHu, t, 0, 3 * h), rwT, dhNext, false, false, 1.0, 1.0);
                if (carry != null) {
                    dhNext.addi(carry);
                }
                haveNext = true;
            }
        }

        INDArray dHuRows = StepBlocked.timeMajorRows(dHu, first, steps, bp, mgr);
        INDArray dGnRows = StepBlocked.timeMajorRows(dGn, first, steps, bp, mgr);
        weightGradients(f, dHuRows, dGnRows, first, grads, mgr);
        return inputGradient(f, dHuRows, dGnRows, first, mgr);
    }

    /** dHuRows/dGnRows hold steps first..T-1 as time-major rows. */
    private static void weightGradients(GruForwardPass f, INDArray dHuRows, INDArray dGnRows, long first,
            Map<String, INDArray> grads, LayerWorkspaceMgr mgr) {
        final long mb = f.mb;
        final long steps = f.steps;
        final long h = f.rw.size(0);
        INDArray x = f.x.get(interval(first * mb, steps * mb), all());

        INDArray gW = grads.get(GruParamInitializer.INPUT_WEIGHT_KEY);
        Nd4j.gemm(x, dHuRows.get(all(), interval(0, 2 * h)), gW.get(all(), interval(0, 2 * h)),
                true, false, 1.0, 0.0);
        Nd4j.gemm(x, dGnRows, gW.get(all(), interval(2 * h, 3 * h)), true, false, 1.0, 0.0);

        // RW pairs the state of step t-1 with the recurrent gradient of step t.
        StepBlocked.recurrentWeightGradient(f.states, f.h0, dHuRows, first,
                grads.get(GruParamInitializer.RECURRENT_WEIGHT_KEY), mgr);

        INDArray gb = grads.get(GruParamInitializer.INPUT_BIAS_KEY);
        INDArray grb = grads.get(GruParamInitializer.RECURRENT_BIAS_KEY);
        StepBlocked.columnSums(dHuRows, grb, mgr);
        gb.get(all(), interval(0, 2 * h)).assign(grb.get(all(), interval(0, 2 * h)));
        StepBlocked.columnSums(dGnRows, gb.get(all(), interval(2 * h, 3 * h)), mgr);
    }

    private static INDArray inputGradient(GruForwardPass f, INDArray dHuRows, INDArray dGnRows, long first,
            LayerWorkspaceMgr mgr) {
        final long h = f.rw.size(0);
        INDArray out = StepBlocked.newInputGradient(f.steps, f.mb, f.w.size(0), first, f.w.dataType(), mgr);
        INDArray dx = StepBlocked.inputGradientRows(out, first);
        Nd4j.gemm(dHuRows.get(all(), interval(0, 2 * h)), f.w.get(all(), interval(0, 2 * h)), dx,
                false, true, 1.0, 0.0);
        Nd4j.gemm(dGnRows, f.w.get(all(), interval(2 * h, 3 * h)), dx, false, true, 1.0, 1.0);
        return StepBlocked.asNcw(out);
    }
}
