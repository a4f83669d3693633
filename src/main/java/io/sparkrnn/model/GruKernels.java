package io.sparkrnn.model;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * GRU forward and backward passes over a whole sequence (equations in {@link GruLayer}).
 * <p>
 * Layout: everything is time-major 2-D, so one time step is a contiguous block of rows and can be the output of a
 * GEMM without copying. The input projection for all steps is one GEMM before the loop; the weight gradients are
 * GEMMs after the loop over the stored per-step gate gradients. Inside the loop there is one GEMM per step and a
 * fixed number of element-wise ops on preallocated scratch arrays (no per-step allocation).
 */
final class GruKernels {

    private GruKernels() {
    }

    /**
     * @param x     input [mb, nIn, T] (NCW)
     * @param h0    initial state [mb, H] or null for zeros
     * @param store where arrays the backward pass needs go (ACTIVATIONS when kept for backprop, else working mem)
     * @param temp  where scratch arrays go
     * @param outType where the output goes (ACTIVATIONS, or working memory when only backprop needs the pass)
     */
    static GruForwardPass forward(INDArray x, INDArray h0, INDArray w, INDArray rw, INDArray b, INDArray rb,
            INDArray mask, IActivation act, boolean training, boolean keepPreActivations,
            ArrayType store, ArrayType temp, ArrayType outType, LayerWorkspaceMgr mgr) {
        final long mb = x.size(0);
        final long steps = x.size(2);
        final long h = rw.size(0);
        final DataType dt = w.dataType();
        if (h0 != null && (h0.size(0) != mb || h0.size(1) != h)) {
            throw new IllegalStateException("GRU stored state has shape " + java.util.Arrays.toString(h0.shape())
                    + " but input needs [" + mb + ", " + h + "]: rnnTimeStep with a different minibatch size, or "
                    + "missing rnnClearPreviousState() between sequences?");
        }

        GruForwardPass f = new GruForwardPass();
        f.mb = mb;
        f.steps = steps;
        f.w = w;
        f.rw = rw;
        f.h0 = h0;
        f.x = timeMajor(x, store, mgr);
        f.maskT = mask == null ? null : mgr.dup(store, mask.castTo(dt).transpose(), 'c');

        f.gates = mgr.createUninitialized(store, dt, new long[]{steps * mb, 3 * h}, 'c');
        Nd4j.gemm(f.x, w, f.gates, false, false, 1.0, 0.0);
        f.gates.addiRowVector(b);
        // Prefilled with rb so each step's GEMM can accumulate into it (beta = 1); step 0 without state needs no GEMM.
        f.hu = mgr.createUninitialized(store, dt, new long[]{steps * mb, 3 * h}, 'c');
        Nd4j.getExecutioner().exec(new BroadcastCopyOp(f.hu, rb.reshape(3 * h), f.hu, 1));

        boolean tanh = act instanceof ActivationTanH;
        f.preN = keepPreActivations && !tanh
                ? mgr.createUninitialized(store, dt, new long[]{steps * mb, h}, 'c') : null;
        // Unmasked, the states are the output itself; masked, the output is a separate zeroed copy.
        ArrayType stateType = mask == null ? outType : store;
        f.states = mgr.createUninitialized(stateType, dt, new long[]{steps * mb, h}, 'c');
        INDArray tmp = mgr.createUninitialized(temp, dt, new long[]{mb, h}, 'c');

        INDArray hPrev = h0;
        for (long t = 0; t < steps; t++) {
            INDArray g = f.rows(f.gates, t);
            INDArray u = f.rows(f.hu, t);
            if (hPrev != null) {
                Nd4j.gemm(hPrev, rw, u, false, false, 1.0, 1.0);
            }
            INDArray rz = g.get(all(), interval(0, 2 * h));
            rz.addi(u.get(all(), interval(0, 2 * h)));
            Transforms.sigmoid(rz, false);
            INDArray r = g.get(all(), interval(0, h));
            INDArray z = g.get(all(), interval(h, 2 * h));
            INDArray n = g.get(all(), interval(2 * h, 3 * h));
            r.muli(u.get(all(), interval(2 * h, 3 * h)), tmp);
            n.addi(tmp);
            if (f.preN != null) {
                f.rows(f.preN, t).assign(n);
            }
            act.getActivation(n, training);

            // h' = n + z (h - n)
            INDArray hNew = f.rows(f.states, t);
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

        INDArray states3 = f.states.reshape('c', steps, mb, h);
        if (f.maskT == null) {
            f.output = states3.permute(1, 2, 0);
        } else {
            INDArray out = mgr.createUninitialized(outType, dt, new long[]{steps, mb, h}, 'c');
            Nd4j.getExecutioner().exec(new BroadcastMulOp(states3, f.maskT, out, 0, 1));
            f.output = out.permute(1, 2, 0);
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
        final long nIn = f.w.size(0);
        final DataType dt = f.w.dataType();
        final ArrayType bp = ArrayType.BP_WORKING_MEM;
        final long first = tbpttSteps > 0 ? Math.max(0, steps - tbpttSteps) : 0;
        final boolean tanh = act instanceof ActivationTanH;

        INDArray e = eps.permute(2, 0, 1); // [T, mb, H]
        // Gradients w.r.t. the recurrent pre-activations (r | z | r⊙n part) and w.r.t. the n input pre-activation.
        INDArray dHu = mgr.createUninitialized(bp, dt, new long[]{steps * mb, 3 * h}, 'c');
        INDArray dGn = mgr.createUninitialized(bp, dt, new long[]{steps * mb, h}, 'c');
        INDArray dh = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'c');
        INDArray dhNext = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'c');
        INDArray tmp = mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'c');
        INDArray carry = f.maskT == null ? null : mgr.createUninitialized(bp, dt, new long[]{mb, h}, 'c');

        boolean haveNext = false;
        for (long t = steps - 1; t >= first; t--) {
            INDArray et = e.get(point(t), all(), all());
            if (carry != null) {
                // Masked outputs are constant 0, so their epsilon is dropped. The state gradient reaches the new
                // state only where unmasked; elsewhere it flows straight to the previous (carried) state.
                INDArray m = f.maskT.getRow(t).reshape(mb, 1);
                carry.assign(et);
                carry.muliColumnVector(m);
                et = carry;
                if (haveNext) {
                    et.addi(dhNext, dh);
                } else {
                    dh.assign(et);
                }
                carry.assign(dh);
                dh.muliColumnVector(m);
                carry.subi(dh);
            } else if (haveNext) {
                et.addi(dhNext, dh);
            } else {
                dh.assign(et);
            }
            INDArray g = f.rows(f.gates, t);
            INDArray r = g.get(all(), interval(0, h));
            INDArray z = g.get(all(), interval(h, 2 * h));
            INDArray n = g.get(all(), interval(2 * h, 3 * h));
            INDArray hn = f.rows(f.hu, t).get(all(), interval(2 * h, 3 * h));
            INDArray hPrev = t > 0 ? f.rows(f.states, t - 1) : f.h0;

            INDArray d = f.rows(dHu, t);
            INDArray dr = d.get(all(), interval(0, h));
            INDArray dz = d.get(all(), interval(h, 2 * h));
            INDArray dnu = d.get(all(), interval(2 * h, 3 * h));
            INDArray dn = f.rows(dGn, t);

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
                INDArray pre = mgr.dup(bp, f.rows(f.preN, t));
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
                Nd4j.gemm(d, f.rw, dhNext, false, true, 1.0, 1.0);
                if (carry != null) {
                    dhNext.addi(carry);
                }
                haveNext = true;
            }
        }

        weightGradients(f, dHu, dGn, first, grads);
        return inputGradient(f, dHu, dGn, first, nIn, mgr);
    }

    private static void weightGradients(GruForwardPass f, INDArray dHu, INDArray dGn, long first,
            Map<String, INDArray> grads) {
        final long mb = f.mb;
        final long steps = f.steps;
        final long h = f.rw.size(0);
        INDArray x = f.x.get(interval(first * mb, steps * mb), all());
        INDArray d = dHu.get(interval(first * mb, steps * mb), all());
        INDArray dn = dGn.get(interval(first * mb, steps * mb), all());

        INDArray gW = grads.get(GruParamInitializer.INPUT_WEIGHT_KEY);
        Nd4j.gemm(x, d.get(all(), interval(0, 2 * h)), gW.get(all(), interval(0, 2 * h)), true, false, 1.0, 0.0);
        Nd4j.gemm(x, dn, gW.get(all(), interval(2 * h, 3 * h)), true, false, 1.0, 0.0);

        // RW pairs the state of step t-1 with the recurrent gradient of step t.
        INDArray gRw = grads.get(GruParamInitializer.RECURRENT_WEIGHT_KEY);
        long firstWithStoredPrev = Math.max(first, 1);
        boolean written = false;
        if (firstWithStoredPrev < steps) {
            INDArray prev = f.states.get(interval((firstWithStoredPrev - 1) * mb, (steps - 1) * mb), all());
            INDArray dd = dHu.get(interval(firstWithStoredPrev * mb, steps * mb), all());
            Nd4j.gemm(prev, dd, gRw, true, false, 1.0, 0.0);
            written = true;
        }
        if (first == 0 && f.h0 != null) {
            Nd4j.gemm(f.h0, f.rows(dHu, 0), gRw, true, false, 1.0, written ? 1.0 : 0.0);
            written = true;
        }
        if (!written) {
            gRw.assign(0.0);
        }

        INDArray gb = grads.get(GruParamInitializer.INPUT_BIAS_KEY);
        gb.get(all(), interval(0, 2 * h)).assign(d.get(all(), interval(0, 2 * h)).sum(true, 0));
        gb.get(all(), interval(2 * h, 3 * h)).assign(dn.sum(true, 0));
        grads.get(GruParamInitializer.RECURRENT_BIAS_KEY).assign(d.sum(true, 0));
    }

    private static INDArray inputGradient(GruForwardPass f, INDArray dHu, INDArray dGn, long first, long nIn,
            LayerWorkspaceMgr mgr) {
        final long mb = f.mb;
        final long steps = f.steps;
        final long h = f.rw.size(0);
        final DataType dt = f.w.dataType();
        long[] shape = {steps, mb, nIn};
        // Steps before the truncation point get no gradient: they must read as zeros.
        INDArray out = first > 0 ? mgr.create(ArrayType.ACTIVATION_GRAD, dt, shape, 'c')
                : mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dt, shape, 'c');
        INDArray dx = out.reshape('c', steps * mb, nIn).get(interval(first * mb, steps * mb), all());
        INDArray d = dHu.get(interval(first * mb, steps * mb), all());
        INDArray dn = dGn.get(interval(first * mb, steps * mb), all());
        Nd4j.gemm(d.get(all(), interval(0, 2 * h)), f.w.get(all(), interval(0, 2 * h)), dx, false, true, 1.0, 0.0);
        Nd4j.gemm(dn, f.w.get(all(), interval(2 * h, 3 * h)), dx, false, true, 1.0, 1.0);
        return out.permute(1, 2, 0);
    }

    /** [mb, D, T] to a time-major [T*mb, D] 'c' matrix, copying only if the layout requires it. */
    private static INDArray timeMajor(INDArray x, ArrayType store, LayerWorkspaceMgr mgr) {
        long mb = x.size(0);
        long d = x.size(1);
        long steps = x.size(2);
        INDArray tmd = x.permute(2, 0, 1);
        if (!(tmd.ordering() == 'c' && Shape.hasDefaultStridesForShape(tmd))) {
            tmd = mgr.dup(store, tmd, 'c');
        }
        return tmd.reshape('c', steps * mb, d);
    }
}
