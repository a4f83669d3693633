package io.sparkrnn.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

/** The training settings the language-model experiments share; each adds or overrides its own. */
final class LmSettings {
    private LmSettings() { }

    /** Two replicas (the test machine's cores), evaluated every {@code evalEvery} rounds on a fixed 128 windows. */
    static Map<String, Object> base(int rounds, int evalEvery) {
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
}
