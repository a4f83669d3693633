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
        for (int i = rows.size() - 1; i >= 0; i--) {
            double bpc = rows.get(i).number("valBpc");
            if (!Double.isNaN(bpc)) {
                return bpc;
            }
        }
        return Double.NaN;
    }
}
