package io.sparkrnn.dist;

import io.sparkrnn.metrics.MetricsRow;

import java.util.List;

/** What a finished training run reports back to the CLI (and to tests). */
public final class TrainingSummary {
    private final String runUri;
    private final String checkpointUri;
    private final List<MetricsRow> rows;
    private final String sample;
    private final MasterState state;

    TrainingSummary(String runUri, String checkpointUri, List<MetricsRow> rows, String sample, MasterState state) {
        this.runUri = runUri;
        this.checkpointUri = checkpointUri;
        this.rows = rows;
        this.sample = sample;
        this.state = state;
    }

    public String runUri() { return runUri; }
    public String checkpointUri() { return checkpointUri; }
    public List<MetricsRow> rows() { return rows; }
    /** Generated text, or empty when sample.length = 0. */
    public String sample() { return sample; }
    public MasterState finalState() { return state; }

    /** Validation bits per character at the last evaluation. */
    public double lastValidationBpc() {
        return last("valBpc");
    }

    /** A classifier's validation accuracy at the last evaluation; NaN for a language model. */
    public double lastValidationAccuracy() {
        return last("valAccuracy");
    }

    private double last(String field) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            double value = rows.get(i).number(field);
            if (!Double.isNaN(value)) {
                return value;
            }
        }
        return Double.NaN;
    }
}
