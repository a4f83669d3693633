package io.sparkrnn.bench;

import java.util.List;
import java.util.Map;

/**
 * Where a validation curve first reaches a target bits per character, on its tokens or seconds axis: linearly
 * interpolated between the last evaluation above the target and the first at or below it, since the curve is only
 * known at its evaluations. A curve whose first evaluation is already at the target gives that evaluation's value.
 */
final class TargetCrossing {
    private TargetCrossing() { }

    /** @return the interpolated {@code axis} value, or NaN when the curve never reaches {@code target} */
    static double at(List<Map<String, Object>> curve, String axis, double target) {
        for (int i = 0; i < curve.size(); i++) {
            double bpc = number(curve.get(i), "valBpc");
            if (bpc <= target) {
                double x1 = number(curve.get(i), axis);
                if (i == 0) {
                    return x1;
                }
                double x0 = number(curve.get(i - 1), axis);
                double bpc0 = number(curve.get(i - 1), "valBpc");
                return x0 + (x1 - x0) * (bpc0 - target) / (bpc0 - bpc);
            }
        }
        return Double.NaN;
    }

    /** The lowest validation bits per character of the curve. */
    static double best(List<Map<String, Object>> curve) {
        return curve.stream().mapToDouble(p -> number(p, "valBpc")).min().orElse(Double.NaN);
    }

    static double number(Map<String, Object> point, String key) {
        Object v = point.get(key);
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }
}
