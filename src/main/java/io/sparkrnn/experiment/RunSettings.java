package io.sparkrnn.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

/** The training settings the experiments share; each adds or overrides its own. */
final class RunSettings {
    private RunSettings() { }

    /** Two replicas (the test machine's cores), evaluated every {@code evalEvery} rounds on a fixed 128 windows. */
    static Map<String, Object> languageModel(int rounds, int evalEvery) {
        Map<String, Object> settings = new LinkedHashMap<>();
        // Small blocks, so that a 60,000-character reduced corpus still holds out a dozen blocks for validation.
        settings.put("data.blockSize", 1024);
        settings.put("data.validationFraction", 0.1);
        settings.put("model.embeddingSize", 16);
        settings.put("train.batchSize", 16);
        settings.put("train.averagingFrequency", 4);
        settings.put("train.rounds", rounds);
        settings.put("master.replicas", 2);
        settings.put("eval.everyRounds", evalEvery);
        settings.put("eval.maxWindows", 128);
        return settings;
    }

    /**
     * A one-layer classifier of lines up to {@code seqLength} characters: 32 units, embedding 8, Adam 0.01, two
     * replicas of 4 steps x 32 lines per round, evaluated once after the last round on a tenth of the lines.
     */
    static Map<String, Object> classifier(String cell, String pooling, int seqLength, int rounds) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("task", "classify");
        settings.put("model.pooling", pooling);
        settings.put("model.cell", cell);
        settings.put("model.layers", 1);
        settings.put("model.hiddenSize", 32);
        settings.put("model.embeddingSize", 8);
        settings.put("model.seqLength", seqLength);
        settings.put("train.batchSize", 32);
        settings.put("train.learningRate", 0.01);
        settings.put("train.averagingFrequency", 4);
        settings.put("train.rounds", rounds);
        settings.put("master.replicas", 2);
        settings.put("eval.everyRounds", rounds);
        settings.put("data.validationFraction", 0.1);
        return settings;
    }
}
