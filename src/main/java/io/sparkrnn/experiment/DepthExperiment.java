package io.sparkrnn.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deep LSTM stacks with plain, residual, dense and highway connections: their validation loss as training goes
 * on, at 8 layers and (full scale) at 16.
 */
final class DepthExperiment implements Experiment {
    static final String[] CONNECTIONS = {"none", "residual", "dense", "highway"};
    static final int LAYERS = 8;
    static final int DEEPER = 16;

    @Override
    public String name() { return "depth"; }

    @Override
    public String claim() {
        return "A deep plain stack trains slowly because the signal must pass every layer; residual, dense and "
                + "highway connections give short paths and train faster.";
    }

    @Override
    public ResultTable run(ExperimentContext context) throws IOException {
        Scale scale = context.scale();
        int rounds = scale.pick(20, 6);
        int evalEvery = scale.pick(4, 3);
        Path corpus = new SyntheticLanguage(context.seed()).write(context.scratch().resolve("depth/corpus.txt"),
                scale.pick(300_000, 60_000));
        ResultTable table = stacks(context, corpus, LAYERS, rounds, evalEvery);
        if (scale == Scale.FULL) {
            table.part("16", DEEPER + " layers", stacks(context, corpus, DEEPER, rounds, evalEvery));
        }
        return table;
    }

    private static ResultTable stacks(ExperimentContext context, Path corpus, int layers, int rounds, int evalEvery)
            throws IOException {
        Map<String, TrainedRun> runs = new LinkedHashMap<>();
        for (String connections : CONNECTIONS) {
            Map<String, Object> settings = RunSettings.languageModel(rounds, evalEvery);
            settings.put("model.cell", "lstm");
            settings.put("model.layers", layers);
            settings.put("model.hiddenSize", 32);
            settings.put("model.seqLength", 32);
            settings.put("model.connections", connections);
            runs.put(connections, context.trainings().train("depth-" + layers + "-" + connections, corpus, settings));
        }
        String[] columns = new String[1 + CONNECTIONS.length];
        columns[0] = "round";
        for (int c = 0; c < CONNECTIONS.length; c++) {
            columns[1 + c] = CONNECTIONS[c] + ": val bpc";
        }
        ResultTable table = new ResultTable(columns);
        for (int round = evalEvery; round <= rounds; round += evalEvery) {
            Object[] cells = new Object[columns.length];
            cells[0] = String.valueOf(round);
            for (int c = 0; c < CONNECTIONS.length; c++) {
                cells[1 + c] = runs.get(CONNECTIONS[c]).at("valBpc", round);
            }
            table.add(cells);
        }
        Object[] parameters = new Object[columns.length];
        parameters[0] = "parameters";
        for (int c = 0; c < CONNECTIONS.length; c++) {
            parameters[1 + c] = runs.get(CONNECTIONS[c]).parameters();
        }
        table.add(parameters);
        table.note("Validation bits per character on 128 held-out windows of generated text; " + layers + " LSTM "
                + "layers of 32 units, embedding 16, highway gate bias -2, Adam 2e-3, 2 replicas x 4 steps x 16 "
                + "windows of 32 per round.");
        return table;
    }
}
