package io.sparkrnn.ml;

import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.List;

/**
 * The SQL functions of a model, one row at a time: each reads a string and returns what the same model's
 * {@code transform} puts in the matching column ({@link ScoreValues}). Language-model functions score the whole
 * line with the state carried across windows (transform's default, windows = carry).
 */
enum SqlFunction {
    BPC("sparkrnn_bpc", false, DataTypes.DoubleType,
            "_FUNC_(text) - bits per character of text under the language model (NULL for NULL or fewer than 2 characters)") {
        @Override
        Object value(ScoringModel model, ScoringNetwork network, String text) {
            return ScoreValues.bitsPerCharacter(lineScore(model, network, text));
        }
    },
    LOG_LIKELIHOOD("sparkrnn_loglikelihood", false, DataTypes.DoubleType,
            "_FUNC_(text) - natural-log likelihood of text's characters after the first (nats)") {
        @Override
        Object value(ScoringModel model, ScoringNetwork network, String text) {
            return ScoreValues.logLikelihood(lineScore(model, network, text));
        }
    },
    CHARACTERS("sparkrnn_characters", false, DataTypes.LongType,
            "_FUNC_(text) - characters the language model scores in text (all but the first)") {
        @Override
        Object value(ScoringModel model, ScoringNetwork network, String text) {
            return ScoreValues.characters(lineScore(model, network, text));
        }
    },
    SCORE("sparkrnn_score", false, DataTypes.createStructType(List.of(
            DataTypes.createStructField("bitsPerCharacter", DataTypes.DoubleType, true),
            DataTypes.createStructField("charactersScored", DataTypes.LongType, true),
            DataTypes.createStructField("logLikelihood", DataTypes.DoubleType, true))),
            "_FUNC_(text) - struct<bitsPerCharacter, charactersScored, logLikelihood> of text, one forward pass") {
        @Override
        Object value(ScoringModel model, ScoringNetwork network, String text) {
            LineScore score = lineScore(model, network, text);
            return score == null ? null : RowFactory.create(ScoreValues.bitsPerCharacter(score),
                    ScoreValues.characters(score), ScoreValues.logLikelihood(score));
        }
    },
    PREDICT("sparkrnn_predict", true, DataTypes.StringType,
            "_FUNC_(text) - the classifier's most probable label for text (NULL for NULL or empty text)") {
        @Override
        Object value(ScoringModel model, ScoringNetwork network, String text) {
            return ScoreValues.prediction(probabilities(model, network, text), model.labels());
        }
    },
    PROBABILITY("sparkrnn_probability", true, DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType),
            "_FUNC_(text) - map from each label to its probability for text (NULL for NULL or empty text)") {
        @Override
        Object value(ScoringModel model, ScoringNetwork network, String text) {
            return ScoreValues.probabilityByLabel(probabilities(model, network, text), model.labels());
        }
    };

    private final String sqlName;
    private final boolean forClassifier;
    private final DataType returnType;
    private final String usage;

    SqlFunction(String sqlName, boolean forClassifier, DataType returnType, String usage) {
        this.sqlName = sqlName;
        this.forClassifier = forClassifier;
        this.returnType = returnType;
        this.usage = usage;
    }

    /** The function's value for one (non-null) text, with a network holding the model. */
    abstract Object value(ScoringModel model, ScoringNetwork network, String text);

    String sqlName() { return sqlName; }
    boolean forClassifier() { return forClassifier; }
    DataType returnType() { return returnType; }
    String usage() { return usage; }

    /** The functions of the other kind of model, named in the error when one is called on the wrong model. */
    static String namesFor(boolean classifier) {
        StringBuilder names = new StringBuilder();
        for (SqlFunction f : values()) {
            if (f.forClassifier == classifier) {
                names.append(names.length() == 0 ? "" : ", ").append(f.sqlName);
            }
        }
        return names.toString();
    }

    private static LineScore lineScore(ScoringModel model, ScoringNetwork network, String text) {
        return new LanguageModelScorer(network.graph(), model.vocabulary(), model.seqLength(), WindowMode.CARRY, 1)
                .score(List.of(text))[0];
    }

    private static double[] probabilities(ScoringModel model, ScoringNetwork network, String text) {
        return new ClassifierScorer(network.graph(), model.vocabulary(), model.seqLength(), 1)
                .classify(List.of(text))[0];
    }
}
