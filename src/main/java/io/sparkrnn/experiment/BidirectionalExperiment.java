package io.sparkrnn.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link FlipAfterTask} sentiment lines, classified by a one-directional and a bidirectional LSTM encoder,
 * with last-step and with mean pooling: validation accuracy of each.
 */
final class BidirectionalExperiment implements Experiment {
    static final List<String> POOLINGS = List.of("last", "mean");
    static final int TAIL_WORDS = 12;

    @Override
    public String name() { return "bidirectional"; }

    @Override
    public String claim() {
        return "When a word's meaning is settled by the word after it ('terribly exciting'), a bidirectional RNN, "
                + "which also reads right to left, classifies better than a left-to-right one.";
    }

    @Override
    public ResultTable run(ExperimentContext context) throws IOException {
        Scale scale = context.scale();
        Path corpus = FlipAfterTask.write(context.scratch().resolve("bidirectional/lines.tsv"), scale.pick(4000, 3000),
                TAIL_WORDS, context.seed());
        ResultTable table = new ResultTable("pooling", "unidirectional: accuracy", "bidirectional: accuracy");
        // The reduced run keeps the pooling where the claim shows most: the last step, where a left-to-right
        // encoder must carry the tone across the tail while the backward direction has just read it.
        for (String pooling : scale == Scale.FULL ? POOLINGS : List.of("last")) {
            Map<String, Double> accuracy = new LinkedHashMap<>();
            for (boolean bidirectional : new boolean[] {false, true}) {
                Map<String, Object> settings = RunSettings.classifier("lstm", pooling, 128, scale.pick(15, 10));
                settings.put("model.bidirectional", bidirectional);
                String direction = bidirectional ? "bi" : "uni";
                TrainedRun run = context.trainings().train("bidirectional-" + pooling + "-" + direction, corpus, settings);
                accuracy.put(direction, run.lastValidation("valAccuracy"));
            }
            table.add(pooling, accuracy.get("uni"), accuracy.get("bi"));
        }
        table.note("Validation accuracy on held-out lines (chance 0.5). Each line: adverb, adjective (the label's "
                + "tone), then " + TAIL_WORDS + " neutral words. One LSTM layer of 32 units (bidirectional: 32 each way, "
                + "concatenated), embedding 8, Adam 0.01, 2 replicas x 4 steps x 32 lines per round.");
        return table;
    }
}
