package io.sparkrnn.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** 8-layer LSTM stacks with plain, residual and dense connections: their validation loss as training goes on. */
final class DepthExperiment implements Experiment {
    static final String[] CONNECTIONS = {"none", "residual", "dense"};
    static final int LAYERS = 8;

    @Override
    public String name() { return "depth"; }

    @Override
    public String claim() {
        return "A deep plain stack trains slowly because the signal must pass every layer; residual and dense "
                + "connections give short paths and train faster.";
    }

    @Override
    public ResultTable run(ExperimentContext context) throws IOException {
        Scale scale = context.scale();
        int rounds = scale.pick(20, 6);
        int evalEvery = scale.pick(4, 3);
        Path corpus = new SyntheticLanguage(context.seed()).write(context.scratch().resolve("depth/corpus.txt"),
                scale.pick(300_000, 60_000));
        Map<String, TrainedRun> runs = new LinkedHashMap<>();
        for (String connections : CONNECTIONS) {
            Map<String, Object> settings = RunSettings.languageModel(rounds, evalEvery);
            settings.put("model.cell", "lstm");
            settings.put("model.layers", LAYERS);
            settings.put("model.hiddenSize", 32);
            settings.put("model.seqLength", 32);
            settings.put("model.connections", connections);
            runs.put(connections, context.trainings().train("depth-" + connections, corpus, settings));
        }
        ResultTable table = new ResultTable("round", "none: val bpc", "residual: val bpc", "dense: val bpc");
        for (int round = evalEvery; round <= rounds; round += evalEvery) {
            table.add(String.valueOf(round), runs.get("none").at("valBpc", round), runs.get("residual").at("valBpc", round),
                    runs.get("dense").at("valBpc", round));
        }
        table.add("parameters", runs.get("none").parameters(), runs.get("residual").parameters(),
                runs.get("dense").parameters());
        table.note("Validation bits per character on 128 held-out windows of generated text; 8 LSTM layers of 32 units, "
                + "embedding 16, Adam 2e-3, 2 replicas x 4 steps x 16 windows of 32 per round.");
        return table;
    }
}
