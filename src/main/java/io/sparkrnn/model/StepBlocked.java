package io.sparkrnn.model;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * The array layouts our fused recurrent kernels ({@link GruKernels}, {@link LstmKernels}) share.
 * <p>
 * Per-step arrays are "step-blocked": shape [T, k, mb] in 'c' order, so step t is an 'f'-order [mb, k] block and
 * every gate's [mb, H] sub-block is contiguous. ND4J's element-wise ops are several times faster on contiguous
 * arrays of matching order than on strided views, and the per-step loops are dominated by them. The GEMMs over
 * all steps at once need time-major rows [T*mb, k] instead (row t*mb + i is example i at step t); one permuting
 * copy per array converts between the two, which costs far less than running every step's ops on strided views.
 */
final class StepBlocked {
    private StepBlocked() {
    }

    /** Columns [c0, c0 + width) of step t of a step-blocked array: a contiguous 'f'-order [mb, width] view. */
    static INDArray block(INDArray a, long t, long c0, long width) {
        long k = a.size(1);
        long mb = a.size(2);
        return Nd4j.create(a.data(), new long[]{mb, width}, new long[]{1, mb}, a.offset() + (t * k + c0) * mb, 1, 'f');
    }

    /** Fails with a message that names the likely mistake when a stored state does not fit the input. */
    static void requireStateShape(String cell, INDArray state, long mb, long h) {
        if (state != null && (state.size(0) != mb || state.size(1) != h)) {
            throw new IllegalStateException(cell + " stored state has shape " + Arrays.toString(state.shape())
                    + " but input needs [" + mb + ", " + h + "]: rnnTimeStep with a different minibatch size, or "
                    + "missing rnnClearPreviousState() between sequences?");
        }
    }

    /** [mb, D, T] to a time-major [T*mb, D] 'c' matrix, copying only if the layout requires it. */
    static INDArray timeMajorInput(INDArray x, ArrayType store, LayerWorkspaceMgr mgr) {
        long mb = x.size(0);
        long d = x.size(1);
        long steps = x.size(2);
        INDArray tmd = x.permute(2, 0, 1);
        if (!cContiguous(tmd)) {
            tmd = mgr.dup(store, tmd, 'c');
        }
        return tmd.reshape('c', steps * mb, d);
    }

    /** The layer's epsilon [mb, H, T] as a step-blocked [T, H, mb] array; free if eps is 'f' order (the usual case). */
    static INDArray stepBlockedEpsilon(INDArray eps, LayerWorkspaceMgr mgr) {
        INDArray e = eps.permute(2, 1, 0);
        return cContiguous(e) ? e : mgr.dup(ArrayType.BP_WORKING_MEM, e, 'c');
    }

    /**
     * The input projection of every step, x W + b, as a step-blocked [T, width, mb] array: one GEMM over all steps,
     * then one permuting copy that adds the bias on the way.
     */
    static INDArray inputProjection(INDArray xRows, INDArray w, INDArray b, long steps, long mb,
            ArrayType store, ArrayType temp, LayerWorkspaceMgr mgr) {
        long width = w.size(1);
        DataType dt = w.dataType();
        INDArray xw = mgr.createUninitialized(temp, dt, new long[]{steps * mb, width}, 'c');
        Nd4j.gemm(xRows, w, xw, false, false, 1.0, 0.0);
        INDArray projected = mgr.createUninitialized(store, dt, new long[]{steps, width, mb}, 'c');
        Nd4j.getExecutioner().exec(new BroadcastAddOp(xw.reshape('c', steps, mb, width).permute(0, 2, 1),
                b.reshape(width), projected, 1));
        return projected;
    }

    /**
     * A column-major copy of {@code a}'s transpose, in BP working memory, for the per-step GEMMs of the backward
     * pass: OpenBLAS packs a transposed 'f' operand on every call, and slowly (a dz RW^T step GEMM took 1.7x the
     * time of the forward step GEMM with the same FLOPs in the profile); one copy per pass makes it a plain operand.
     */
    static INDArray transposedCopy(INDArray a, LayerWorkspaceMgr mgr) {
        return mgr.dup(ArrayType.BP_WORKING_MEM, a.transpose(), 'f');
    }

    /** Steps [from, to) of a step-blocked [T, k, mb] array as time-major rows [(to-from)*mb, k] (a copy). */
    static INDArray timeMajorRows(INDArray stepBlocked, long from, long to, ArrayType type, LayerWorkspaceMgr mgr) {
        long k = stepBlocked.size(1);
        long mb = stepBlocked.size(2);
        INDArray rows = mgr.createUninitialized(type, stepBlocked.dataType(), new long[]{to - from, mb, k}, 'c');
        rows.assign(stepBlocked.get(interval(from, to), all(), all()).permute(0, 2, 1));
        return rows.reshape('c', (to - from) * mb, k);
    }

    /**
     * The recurrent weight gradient: the state of step t-1 times the recurrent pre-activation gradient of step t,
     * summed over steps first..T-1, as at most two GEMMs.
     *
     * @param states step-blocked [T, H, mb] carried states
     * @param h0     initial state [mb, H], or null for zeros
     * @param dRows  time-major gradients of steps first..T-1, [(T-first)*mb, k]
     */
    static void recurrentWeightGradient(INDArray states, INDArray h0, INDArray dRows, long first, INDArray gRw,
            LayerWorkspaceMgr mgr) {
        long steps = states.size(0);
        long mb = states.size(2);
        long p0 = Math.max(first, 1) - 1;
        boolean written = false;
        if (p0 < steps - 1) {
            INDArray prev = timeMajorRows(states, p0, steps - 1, ArrayType.BP_WORKING_MEM, mgr);
            INDArray d = dRows.get(interval((p0 + 1 - first) * mb, (steps - first) * mb), all());
            Nd4j.gemm(prev, d, gRw, true, false, 1.0, 0.0);
            written = true;
        }
        if (first == 0 && h0 != null) {
            Nd4j.gemm(h0, dRows.get(interval(0, mb), all()), gRw, true, false, 1.0, written ? 1.0 : 0.0);
            written = true;
        }
        if (!written) {
            gRw.assign(0.0);
        }
    }

    /**
     * Column sums of {@code rows} into {@code target} ([1, k] or [k]), as a GEMM with a ones row: ND4J's sum over
     * dimension 0 of a 'c' matrix is a slow strided reduction.
     */
    static void columnSums(INDArray rows, INDArray target, LayerWorkspaceMgr mgr) {
        INDArray ones = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, rows.dataType(),
                new long[]{1, rows.size(0)}, 'c').assign(1.0);
        Nd4j.gemm(ones, rows, target.rank() == 2 ? target : target.reshape(1, target.length()),
                false, false, 1.0, 0.0);
    }

    /**
     * The input gradient buffer [T, mb, nIn] ('c', in ACTIVATION_GRAD). Steps before {@code first} (the truncation
     * point of truncated BPTT) get no gradient and so must read as zeros.
     */
    static INDArray newInputGradient(long steps, long mb, long nIn, long first, DataType dt, LayerWorkspaceMgr mgr) {
        long[] shape = {steps, mb, nIn};
        return first > 0 ? mgr.create(ArrayType.ACTIVATION_GRAD, dt, shape, 'c')
                : mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dt, shape, 'c');
    }

    /** Rows of steps first..T-1 of an input gradient buffer, as a time-major [(T-first)*mb, nIn] view. */
    static INDArray inputGradientRows(INDArray buffer, long first) {
        long steps = buffer.size(0);
        long mb = buffer.size(1);
        long nIn = buffer.size(2);
        return buffer.reshape('c', steps * mb, nIn).get(interval(first * mb, steps * mb), all());
    }

    /** An input gradient buffer as the layer's NCW epsilon [mb, nIn, T]. */
    static INDArray asNcw(INDArray buffer) {
        return buffer.permute(1, 2, 0);
    }

    /** True if the strides are the default 'c' strides of the shape, whatever the array's order flag says. */
    static boolean cContiguous(INDArray a) {
        long expected = 1;
        for (int i = a.rank() - 1; i >= 0; i--) {
            if (a.size(i) != 1 && a.stride(i) != expected) {
                return false;
            }
            expected *= a.size(i);
        }
        return true;
    }

    /** The first time step a backward pass reaches: 0, or with truncated BPTT only the last {@code tbpttSteps}. */
    static long firstBackpropStep(long steps, int tbpttSteps) {
        return tbpttSteps > 0 ? Math.max(0, steps - tbpttSteps) : 0;
    }
}
