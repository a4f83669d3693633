package io.sparkrnn.ml;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;

/**
 * The training corpus an estimator writes from a Dataset, in the form {@code train} reads: one row per line, for
 * a classifier {@code label<TAB>text}. Rows whose text (or label) is null are left out. Spark writes one file per
 * partition, in partition order; the same bytes as a corpus file give the same training as {@code train}.
 */
final class FitCorpus {
    private FitCorpus() { }

    /** @param labelColumn null for a language model */
    static void write(Dataset<?> dataset, String textColumn, String labelColumn, String folder) {
        Column text = col(textColumn);
        Dataset<Row> rows = dataset.toDF().where(text.isNotNull());
        Column line = text;
        if (labelColumn != null) {
            Column label = col(labelColumn).cast("string");
            rows = rows.where(label.isNotNull());
            requireOneLine(rows, label, text, labelColumn, textColumn);
            line = concat_ws("\t", label, text);
        }
        rows.select(line.as("value")).write().mode(SaveMode.Overwrite).text(folder);
    }

    /** A classifier's example is one line: a TAB or line break inside would split or shift it. */
    private static void requireOneLine(Dataset<Row> rows, Column label, Column text, String labelColumn,
                                       String textColumn) {
        Column breaks = label.rlike("[\t\r\n]").or(text.rlike("[\r\n]"));
        List<Row> bad = rows.where(breaks).select(label, text).limit(1).collectAsList();
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("a classifier's examples are lines 'label<TAB>text', but a row's label ("
                    + labelColumn + ") has a TAB or line break, or its text (" + textColumn + ") a line break: label "
                    + quote(bad.get(0).getString(0)) + ", text " + quote(bad.get(0).getString(1))
                    + ". Replace them (regexp_replace) before fit");
        }
    }

    private static String quote(String value) {
        String shown = value.length() > 60 ? value.substring(0, 60) + "..." : value;
        return "\"" + shown.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }
}
