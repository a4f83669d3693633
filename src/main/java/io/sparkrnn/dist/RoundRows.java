package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.metrics.MetricsRow;
import io.sparkrnn.metrics.RoundFacts;
import io.sparkrnn.train.LossSum;
import io.sparkrnn.train.Validation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a round's outcome into its metrics.jsonl row; the field names are documented in docs/MONITORING.md. */
final class RoundRows {
    private static final double LN2 = Math.log(2);
    /** Every row has these phases (0 when a phase did not run), so that charts need no null handling. */
    static final List<String> PHASES = List.of("broadcast", "replica compute", "aggregation", "cleanup",
            "master update", "evaluation", "checkpoint");

    private RoundRows() { }

    /**
     * @param unknownCharacters corpus characters read as {@code <unk>} (the same in every row of a run)
     * @param tasks the round's task facts from the Spark listener
     */
    static MetricsRow of(RunConfig config, RoundOutcome outcome, Validation validation, long unknownCharacters,
                         RoundFacts tasks) {
        double seconds = outcome.phases.total();
        LossSum loss = validation == null ? null : validation.loss();
        MetricsRow row = new MetricsRow()
                .put("run", config.get(Options.RUN_ID))
                .put("round", outcome.round)
                .put("epoch", outcome.epoch)
                .put("tokens", outcome.tokens)
                .put("examples", outcome.examples)
                .put("trainLoss", outcome.trainLoss)
                .put("trainBpc", outcome.trainLoss / LN2)
                .put("valLoss", loss == null ? Double.NaN : loss.meanLoss())
                .put("valBpc", loss == null ? Double.NaN : loss.bitsPerToken())
                .put("gradNormMean", outcome.gradNormMean)
                .put("gradNormMax", outcome.gradNormMax)
                .put("clipRate", outcome.clipRate)
                .put("updateNorm", outcome.updateNorm)
                .put("appliedUpdateNorm", outcome.appliedUpdateNorm)
                .put("learningRate", outcome.learningRate)
                .put("replicas", outcome.replicas)
                .put("nonFiniteReplicas", outcome.nonFiniteReplicas)
                .put("momentFallbacks", outcome.momentFallbacks)
                .put("unknownCharacters", unknownCharacters)
                .put("seconds", seconds)
                .put("tokensPerSecond", outcome.tokens / seconds)
                .put("replicaComputeSeconds", outcome.replicaComputeSeconds)
                .put("broadcastBytes", outcome.broadcastBytes)
                .put("driverResultBytes", tasks.driverResultBytes())
                .put("phases", allPhases(outcome.phases))
                .put("tasks", tasks.replicas().asMap())
                .put("aggregation", tasks.aggregation().asMap());
        if ("classify".equals(config.get(Options.TASK))) {
            row.put("valAccuracy", validation == null ? Double.NaN : validation.accuracy())
                    .put("valMacroF1", validation == null ? Double.NaN : validation.macroF1());
        }
        return row;
    }

    private static Map<String, Double> allPhases(PhaseTimes phases) {
        Map<String, Double> all = new LinkedHashMap<>();
        PHASES.forEach(name -> all.put(name, phases.seconds(name)));
        all.putAll(phases.asMap());
        return all;
    }
}
