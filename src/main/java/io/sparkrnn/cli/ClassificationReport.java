package io.sparkrnn.cli;

import io.sparkrnn.data.Labels;
import io.sparkrnn.train.Confusion;
import io.sparkrnn.train.Validation;

import java.util.Locale;

/** What {@code evaluate} prints for a classifier: overall figures, then one row per label. */
final class ClassificationReport {
    private ClassificationReport() { }

    static String format(Validation validation, Labels labels) {
        Confusion confusion = validation.confusion();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "validation loss %.4f nats per line, accuracy %.4f, macro F1 %.4f, "
                + "%,d lines%n", validation.loss().meanLoss(), confusion.accuracy(), confusion.macroF1(),
                confusion.total()));
        int width = Math.max(5, labels.names().stream().mapToInt(String::length).max().orElse(5));
        out.append(String.format(Locale.ROOT, "%-" + width + "s  %9s  %6s  %6s  %7s%n",
                "label", "precision", "recall", "F1", "support"));
        for (int label = 0; label < labels.size(); label++) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s  %9.4f  %6.4f  %6.4f  %7d%n", labels.name(label),
                    confusion.precision(label), confusion.recall(label), confusion.f1(label), confusion.support(label)));
        }
        return out.toString();
    }
}
