package io.sparkrnn.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A vanilla RNN whose recurrent weights start large, trained by plain SGD without clipping, with DL4J's per-layer
 * clipping and with our global-norm clipping, all else equal: the training loss per round of each.
 */
final class ExplodingExperiment implements Experiment {
    static final String[] MODES = {"none", "perLayer", "global"};
    /** Recurrent weights x this after Xavier initialisation (spectral radius about 1 before). */
    static final double RECURRENT_SCALE = 2.0;

    @Override
    public String name() { return "exploding"; }

    @Override
    public String claim() {
        return "A vanilla RNN with large recurrent weights has exploding gradients: without clipping SGD's loss jumps "
                + "or diverges; clipping the gradient's norm keeps training stable.";
    }

    @Override
    public ResultTable run(ExperimentContext context) throws IOException {
        Scale scale = context.scale();
        int rounds = scale.pick(20, 4);
        Path corpus = new SyntheticLanguage(context.seed()).write(context.scratch().resolve("exploding/corpus.txt"),
                scale.pick(300_000, 60_000));
        Map<String, TrainedRun> runs = new LinkedHashMap<>();
        for (String mode : MODES) {
            Map<String, Object> settings = RunSettings.languageModel(rounds, 1);
            settings.put("model.cell", "rnn");
            settings.put("model.layers", 1);
            settings.put("model.hiddenSize", 128);
            settings.put("model.seqLength", 64);
            settings.put("train.updater", "sgd");
            settings.put("train.learningRate", 0.5);
            settings.put("train.clipping", mode);
            settings.put("train.maxGradNorm", 1.0);
            // Divergence is the result here: no retries at a lower learning rate.
            settings.put("train.nonFiniteRetries", 0);
            runs.put(mode, context.trainings().train("exploding-" + mode, corpus, settings,
                    RecurrentWeights.scaledBy(RECURRENT_SCALE, 1)));
        }
        ResultTable table = new ResultTable("round", "none: train loss", "none: max grad norm",
                "perLayer: train loss", "global: train loss", "global: max grad norm");
        for (int round = 1; round <= rounds; round++) {
            table.add(String.valueOf(round), runs.get("none").at("trainLoss", round),
                    runs.get("none").at("gradNormMax", round), runs.get("perLayer").at("trainLoss", round),
                    runs.get("global").at("trainLoss", round), runs.get("global").at("gradNormMax", round));
        }
        table.add("val bpc", runs.get("none").lastValidation("valBpc"), "", runs.get("perLayer").lastValidation("valBpc"),
                runs.get("global").lastValidation("valBpc"), "");
        table.note("Train loss: nats per character, mean over the round's local steps; max grad norm: largest "
                + "per-token gradient L2 norm before clipping among the round's steps; NaN: the run diverged "
                + "(every replica non-finite) and stopped. 1-layer rnn 128, SGD lr 0.5, recurrent weights x"
                + RECURRENT_SCALE + " after Xavier, train.maxGradNorm 1.0, 2 replicas averaging every 4 steps.");
        return table;
    }
}
