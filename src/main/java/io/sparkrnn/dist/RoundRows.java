package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.metrics.MetricsRow;
import io.sparkrnn.train.LossSum;

/** Turns a round's outcome into its metrics.jsonl row; the field names are documented in the README. */
final class RoundRows {
    private static final double LN2 = Math.log(2);

    private RoundRows() { }

    /** @param unknownCharacters corpus characters read as {@code <unk>} (the same in every row of a run) */
    static MetricsRow of(RunConfig config, RoundOutcome outcome, LossSum validation, long unknownCharacters) {
        double seconds = outcome.phases.total();
        return new MetricsRow()
                .put("run", config.get(Options.RUN_ID))
                .put("round", outcome.round)
                .put("epoch", outcome.epoch)
                .put("tokens", outcome.tokens)
                .put("trainLoss", outcome.trainLoss)
                .put("trainBpc", outcome.trainLoss / LN2)
                .put("valLoss", validation == null ? Double.NaN : validation.meanLoss())
                .put("valBpc", validation == null ? Double.NaN : validation.bitsPerToken())
                .put("gradNormMean", outcome.gradNormMean)
                .put("gradNormMax", outcome.gradNormMax)
                .put("clipRate", outcome.clipRate)
                .put("updateNorm", outcome.updateNorm)
                .put("appliedUpdateNorm", outcome.appliedUpdateNorm)
                .put("learningRate", outcome.learningRate)
                .put("replicas", outcome.replicas)
                .put("nonFiniteReplicas", outcome.nonFiniteReplicas)
                .put("unknownCharacters", unknownCharacters)
                .put("seconds", seconds)
                .put("tokensPerSecond", outcome.tokens / seconds)
                .put("replicaComputeSeconds", outcome.replicaComputeSeconds)
                .put("phases", outcome.phases.asMap());
    }
}
