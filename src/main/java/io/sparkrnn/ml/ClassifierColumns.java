package io.sparkrnn.ml;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/** A classifier's columns: the predicted label, the probability vector over the labels and its logs. */
final class ClassifierColumns implements OutputColumns {
    private static final long serialVersionUID = 1L;

    private final String prediction;
    private final String probability;
    private final String rawPrediction;
    private final int batchSize;

    ClassifierColumns(String prediction, String probability, String rawPrediction, int batchSize) {
        this.prediction = prediction;
        this.probability = probability;
        this.rawPrediction = rawPrediction;
        this.batchSize = batchSize;
    }

    @Override
    public StructField[] fields() {
        return new StructField[] {
            DataTypes.createStructField(prediction, DataTypes.StringType, true),
            DataTypes.createStructField(probability, SQLDataTypes.VectorType(), true),
            DataTypes.createStructField(rawPrediction, SQLDataTypes.VectorType(), true)};
    }

    @Override
    public Object[][] values(ScoringModel model, ScoringNetwork network, List<String> texts) {
        double[][] probabilities = new ClassifierScorer(network.graph(), model.vocabulary(), model.seqLength(),
                batchSize).classify(texts);
        Object[][] values = new Object[texts.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new Object[] {ScoreValues.prediction(probabilities[i], model.labels()),
                ScoreValues.probability(probabilities[i]), ScoreValues.rawPrediction(probabilities[i])};
        }
        return values;
    }
}
