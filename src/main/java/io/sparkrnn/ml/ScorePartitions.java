package io.sparkrnn.ml;

import io.sparkrnn.dist.DeviceBinder;
import io.sparkrnn.dist.TaskResources;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The executor side of {@code transform}: each task binds its GPU and threads as a training replica does, then
 * reads its rows a chunk at a time, scores each chunk's texts with one pooled network (many lines per forward
 * pass) and appends the scores to the rows.
 */
final class ScorePartitions implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<ScoringModel> model;
    private final OutputColumns columns;
    private final int textColumn;
    private final int chunkRows;
    private final DeviceBinder deviceBinder;

    ScorePartitions(Broadcast<ScoringModel> model, OutputColumns columns, int textColumn, int chunkRows,
                    DeviceBinder deviceBinder) {
        this.model = model;
        this.columns = columns;
        this.textColumn = textColumn;
        this.chunkRows = chunkRows;
        this.deviceBinder = deviceBinder;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ScoringModel scoring = model.value();
        return new Chunks<>(rows, chunkRows,
                chunk -> TaskResources.onTaskDevice(deviceBinder, device -> score(scoring, device, chunk)));
    }

    private List<Row> score(ScoringModel scoring, int device, List<Row> chunk) {
        List<String> texts = new ArrayList<>(chunk.size());
        for (Row row : chunk) {
            texts.add(row.isNullAt(textColumn) ? null : row.getString(textColumn));
        }
        Object[][] scores;
        ScoringNetwork network = ScoringNetworks.borrow(scoring, device);
        try {
            scores = columns.values(scoring, network, texts);
        } finally {
            ScoringNetworks.giveBack(network, device);
        }
        List<Row> out = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            Row row = chunk.get(i);
            Object[] values = new Object[row.length() + scores[i].length];
            for (int c = 0; c < row.length(); c++) {
                values[c] = row.get(c);
            }
            System.arraycopy(scores[i], 0, values, row.length(), scores[i].length);
            out.add(RowFactory.create(values));
        }
        return out;
    }
}
