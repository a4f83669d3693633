package io.sparkrnn.cli;

import io.sparkrnn.config.ConfigError;

import java.util.Locale;

/**
 * The promotion gate of {@code evaluate --baseline}: a candidate passes when its validation bits per character
 * exceed the baseline's by at most the allowed margin. A candidate without a finite figure never passes.
 */
final class RegressionGate {
    private final double maxRegressionBpc;

    RegressionGate(double maxRegressionBpc) {
        if (!(maxRegressionBpc >= 0) || Double.isInfinite(maxRegressionBpc)) {
            throw new ConfigError(null, "--max-regression must be a finite number of bits per "
                    + "character >= 0 (e.g. 0.02), got " + maxRegressionBpc);
        }
        this.maxRegressionBpc = maxRegressionBpc;
    }

    /** Candidate minus baseline, in bits per character: negative when the candidate is better. */
    static double regression(double candidateBpc, double baselineBpc) {
        return candidateBpc - baselineBpc;
    }

    boolean passes(double candidateBpc, double baselineBpc) {
        if (!Double.isFinite(candidateBpc)) {
            return false;
        }
        return !Double.isFinite(baselineBpc) || regression(candidateBpc, baselineBpc) <= maxRegressionBpc;
    }

    String verdict(double candidateBpc, double baselineBpc) {
        return String.format(Locale.ROOT, "regression %+.4f bits per character (candidate minus baseline), allowed "
                        + "%.4f: %s", regression(candidateBpc, baselineBpc), maxRegressionBpc,
                passes(candidateBpc, baselineBpc) ? "PASS" : "FAIL");
    }
}
