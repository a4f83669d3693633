package io.sparkrnn.ml;

import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

import java.util.List;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

/**
 * A classifier's scores as files hold them: its vector columns become plain arrays of doubles in labels.json order
 * (Parquet, JSON: readable without Spark ML's vector type), or for CSV, which has no arrays, one
 * {@code probability_<label>} column per label (rawPrediction left out). A language model's columns are plain.
 */
public final class ScoredOutput {
    private ScoredOutput() { }

    public static Dataset<Row> forFormat(Dataset<Row> scored, SparkRnnModel model, String format) {
        if (!model.isClassifier()) {
            return scored;
        }
        String probability = model.getProbabilityCol();
        String raw = model.getRawPredictionCol();
        if (!format.equals("csv")) {
            return scored.withColumn(probability, asArray(probability)).withColumn(raw, asArray(raw));
        }
        Dataset<Row> out = scored;
        List<String> labels = model.labels();
        for (int i = 0; i < labels.size(); i++) {
            out = out.withColumn(probability + "_" + labels.get(i), asArray(probability).getItem(i));
        }
        return out.drop(probability, raw);
    }

    /**
     * The same rows, counted into {@code lines} as they are written (a task that Spark runs again counts again, so
     * the figure is exact unless tasks failed).
     */
    public static Dataset<Row> counted(Dataset<Row> rows, LongAccumulator lines) {
        return rows.map((MapFunction<Row, Row>) row -> {
            lines.add(1);
            return row;
        }, Encoders.row(rows.schema()));
    }

    /** NULL stays NULL (vector_to_array fails on it). */
    private static Column asArray(String vectorColumn) {
        return when(col(vectorColumn).isNotNull(), vector_to_array(col(vectorColumn), "float64"));
    }
}
