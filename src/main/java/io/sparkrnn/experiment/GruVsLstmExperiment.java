package io.sparkrnn.experiment;

import io.sparkrnn.data.Vocabulary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** GRU against LSTM language models of (nearly) the same parameter count: throughput and validation loss. */
final class GruVsLstmExperiment implements Experiment {
    static final int LAYERS = 2;
    static final int LSTM_HIDDEN = 128;
    static final int EMBEDDING = 16;

    @Override
    public String name() { return "gru-vs-lstm"; }

    @Override
    public String claim() {
        return "At equal parameter count a GRU (3 gates) is cheaper per unit than an LSTM (4 gates) and learns as "
                + "well or better.";
    }

    @Override
    public ResultTable run(ExperimentContext context) throws IOException {
        Scale scale = context.scale();
        int rounds = scale.pick(24, 4);
        Path corpus = new SyntheticLanguage(context.seed()).write(context.scratch().resolve("gru-vs-lstm/corpus.txt"),
                scale.pick(400_000, 60_000));
        int vocabSize = Vocabulary.of(Files.readString(corpus)).size();
        Map<String, Object> settings = RunSettings.languageModel(rounds, rounds / 4);
        settings.put("model.layers", LAYERS);
        settings.put("model.embeddingSize", EMBEDDING);
        settings.put("model.seqLength", 64);
        settings.put("model.cell", "lstm");
        settings.put("model.hiddenSize", LSTM_HIDDEN);
        long lstmParameters = MatchedSizes.parameters(context.trainings().config("sizes", corpus, settings), vocabSize);
        settings.put("model.cell", "gru");
        int gruHidden = MatchedSizes.hiddenSizeFor(lstmParameters, context.trainings().config("sizes", corpus, settings),
                vocabSize);

        ResultTable table = new ResultTable("cell", "hidden size", "parameters", "tokens/s", "val loss", "val bpc");
        for (Map.Entry<String, Integer> cell : List.of(Map.entry("lstm", LSTM_HIDDEN), Map.entry("gru", gruHidden))) {
            settings.put("model.cell", cell.getKey());
            settings.put("model.hiddenSize", cell.getValue());
            TrainedRun run = context.trainings().train("gru-vs-lstm-" + cell.getKey(), corpus, settings);
            // Round 1 includes building the replicas' networks; throughput is the mean of the rounds after it.
            table.add(cell.getKey(), cell.getValue(), run.parameters(), run.meanFrom("tokensPerSecond", 2),
                    run.lastValidation("valLoss"), run.lastValidation("valBpc"));
        }
        table.note(String.format(Locale.ROOT, "%d-layer language models on generated text (vocabulary %d), "
                + "embedding %d, Adam 2e-3, %d rounds of 2 replicas x 4 steps x 16 windows of 64; tokens/s: mean over "
                + "rounds 2..%d of trained tokens per second of round time, on a shared machine (measured, not a "
                + "benchmark).", LAYERS, vocabSize, EMBEDDING, rounds, rounds));
        return table;
    }
}
