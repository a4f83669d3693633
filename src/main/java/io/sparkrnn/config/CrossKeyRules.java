package io.sparkrnn.config;

/**
 * Rules between keys, checked after each key's own rule: a combination that would train something meaningless
 * is a {@link ConfigError} (exit 2) saying why, before Spark starts.
 */
final class CrossKeyRules {
    private CrossKeyRules() { }

    static void check(RunConfig config) {
        if (config.get(Options.BIDIRECTIONAL) && "lm".equals(config.get(Options.TASK))) {
            throw new ConfigError(Options.BIDIRECTIONAL.key(), "model.bidirectional = true is not allowed with "
                    + "task = lm (in " + config.origin() + "): the backward direction of a bidirectional language model "
                    + "reads the characters it must predict, so it learns to copy them and its loss means nothing. "
                    + "Use model.bidirectional = false for language modelling, or task = classify.");
        }
        if ("classify".equals(config.get(Options.TASK)) && "dl4j".equals(config.get(Options.ENGINE))) {
            throw new ConfigError(Options.ENGINE.key(), "train.engine = dl4j trains language models only (in "
                    + config.origin() + "); task = classify runs on train.engine = sparkrnn");
        }
    }
}
