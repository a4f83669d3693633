package io.sparkrnn.ml;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/** A language model's columns: bits per character, characters scored, log-likelihood (nats). */
final class LanguageModelColumns implements OutputColumns {
    private static final long serialVersionUID = 1L;

    private final String bitsPerCharacter;
    private final String characters;
    private final String logLikelihood;
    private final WindowMode windows;
    private final int batchSize;

    LanguageModelColumns(String bitsPerCharacter, String characters, String logLikelihood, WindowMode windows,
                         int batchSize) {
        this.bitsPerCharacter = bitsPerCharacter;
        this.characters = characters;
        this.logLikelihood = logLikelihood;
        this.windows = windows;
        this.batchSize = batchSize;
    }

    @Override
    public StructField[] fields() {
        return new StructField[] {
            DataTypes.createStructField(bitsPerCharacter, DataTypes.DoubleType, true),
            DataTypes.createStructField(characters, DataTypes.LongType, true),
            DataTypes.createStructField(logLikelihood, DataTypes.DoubleType, true)};
    }

    @Override
    public Object[][] values(ScoringModel model, ScoringNetwork network, List<String> texts) {
        LineScore[] scores = new LanguageModelScorer(network.graph(), model.vocabulary(), model.seqLength(), windows,
                batchSize).score(texts);
        Object[][] values = new Object[texts.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new Object[] {ScoreValues.bitsPerCharacter(scores[i]), ScoreValues.characters(scores[i]),
                ScoreValues.logLikelihood(scores[i])};
        }
        return values;
    }
}
