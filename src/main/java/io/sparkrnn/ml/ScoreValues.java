package io.sparkrnn.ml;

import io.sparkrnn.data.Labels;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A score as the values of a DataFrame column or a SQL function's result, the same for both, so that
 * {@code transform} and the SQL functions cannot disagree: undefined values are SQL NULL, never NaN.
 */
final class ScoreValues {
    private ScoreValues() { }

    /** Null for a null line and for a line with no character to predict (fewer than 2). */
    static Double bitsPerCharacter(LineScore score) {
        return score == null || score.characters() == 0 ? null : score.bitsPerCharacter();
    }

    static Long characters(LineScore score) {
        return score == null ? null : score.characters();
    }

    static Double logLikelihood(LineScore score) {
        return score == null ? null : score.logLikelihood();
    }

    /** The most probable label (the first of equally probable ones), or null. */
    static String prediction(double[] probabilities, Labels labels) {
        if (probabilities == null) {
            return null;
        }
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return labels.name(best);
    }

    static Vector probability(double[] probabilities) {
        return probabilities == null ? null : Vectors.dense(probabilities.clone());
    }

    /** ln of the probabilities: the logits up to a constant per line, so their softmax is the probability. */
    static Vector rawPrediction(double[] probabilities) {
        if (probabilities == null) {
            return null;
        }
        double[] logs = new double[probabilities.length];
        for (int i = 0; i < logs.length; i++) {
            logs[i] = Math.log(probabilities[i]);
        }
        return Vectors.dense(logs);
    }

    /** Label to probability, in labels.json order. */
    static Map<String, Double> probabilityByLabel(double[] probabilities, Labels labels) {
        if (probabilities == null) {
            return null;
        }
        Map<String, Double> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < probabilities.length; i++) {
            byLabel.put(labels.name(i), probabilities[i]);
        }
        return byLabel;
    }
}
