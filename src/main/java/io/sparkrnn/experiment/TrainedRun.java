package io.sparkrnn.experiment;

import io.sparkrnn.metrics.MetricsRow;

import java.util.List;
import java.util.OptionalDouble;

/** One training run of an experiment: its metrics rows (up to the failure, for a diverged run) and size. */
public final class TrainedRun {
    private final List<MetricsRow> rows;
    private final boolean diverged;
    private final long parameters;
    private final double seconds;

    TrainedRun(List<MetricsRow> rows, boolean diverged, long parameters, double seconds) {
        this.rows = List.copyOf(rows);
        this.diverged = diverged;
        this.parameters = parameters;
        this.seconds = seconds;
    }

    public List<MetricsRow> rows() { return rows; }

    /** Whether training stopped because every replica went non-finite (exit code 6 of train). */
    public boolean diverged() { return diverged; }

    public long parameters() { return parameters; }

    /** Wall time of the whole run, corpus preparation included. */
    public double seconds() { return seconds; }

    /** The last validation value of {@code field} (valLoss, valBpc, ...), NaN when there is none. */
    public double lastValidation(String field) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            double value = rows.get(i).number(field);
            if (!Double.isNaN(value)) {
                return value;
            }
        }
        return Double.NaN;
    }

    /** The mean of {@code field} over rounds from {@code fromRound} (1-based) on, NaN without such rows. */
    public double meanFrom(String field, int fromRound) {
        OptionalDouble mean = rows.stream().filter(r -> r.number("round") >= fromRound)
                .mapToDouble(r -> r.number(field)).average();
        return mean.orElse(Double.NaN);
    }

    /** The value of {@code field} at {@code round} (1-based), NaN when the run did not get there or did not record it. */
    public double at(String field, int round) {
        return rows.stream().filter(r -> r.number("round") == round).mapToDouble(r -> r.number(field))
                .findFirst().orElse(Double.NaN);
    }
}
