package io.sparkrnn.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Clipping by the GLOBAL L2 norm: the norm of every parameter's gradient taken together as one vector, and
 * one scale factor min(1, maxNorm / norm) applied to all of it. The direction of the whole gradient is kept;
 * per-layer clipping (DL4J's GradientNormalization) rescales layers differently and so turns it.
 */
public final class GlobalNormClipper {
    private GlobalNormClipper() { }

    /** Scales {@code flat} in place so that its L2 norm is at most {@code maxNorm}. */
    public static ClipResult clip(INDArray flat, double maxNorm) {
        ClipResult result = measure(flat, 1.0, maxNorm);
        if (result.scale() != 1.0) {
            flat.muli(result.scale());
        }
        return result;
    }

    /**
     * The norm of {@code unit * flat} and the factor that would bring it to {@code maxNorm}, without changing
     * {@code flat}: for callers that fold the clip into a rescaling they do anyway.
     */
    public static ClipResult measure(INDArray flat, double unit, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double norm = flat.norm2Number().doubleValue() * unit;
        double scale = Double.isFinite(norm) && norm > maxNorm ? maxNorm / norm : 1.0;
        return new ClipResult(norm, scale);
    }

    /** Norm before clipping and the scale factor applied (1 when not clipped). */
    public static final class ClipResult {
        private final double norm;
        private final double scale;

        ClipResult(double norm, double scale) {
            this.norm = norm;
            this.scale = scale;
        }

        public double norm() { return norm; }
        public double scale() { return scale; }
        public boolean clipped() { return scale < 1.0; }
        public boolean finite() { return Double.isFinite(norm); }
    }
}
