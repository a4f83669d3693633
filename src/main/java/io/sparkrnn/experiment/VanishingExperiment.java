package io.sparkrnn.experiment;

import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The long-distance dependency ({@link DistanceTask}): for each distance k and cell, a one-layer classifier reads
 * the key and k fillers and names the key at the last character. Accuracy against k shows how far each cell
 * carries information (and its gradient) back in time.
 */
final class VanishingExperiment implements Experiment {
    static final List<String> CELLS = List.of("rnn", "lstm", "gru");
    /**
     * Initial bias of the gate that keeps the state: the LSTM's forget gate (DL4J's default 1.0 forgets too fast
     * to learn k >= 25, measured before) and the GRU's update gate (usual 0: chance accuracy at k = 25, measured).
     */
    static final double GATE_BIAS = 3.0;
    static final int GRADIENT_LINES = 64;

    @Override
    public String name() { return "vanishing"; }

    @Override
    public String claim() {
        return "A vanilla RNN's gradient vanishes over long distances, so it cannot learn a dependency k steps back "
                + "for large k; LSTM and GRU gates keep it.";
    }

    @Override
    public ResultTable run(ExperimentContext context) throws IOException {
        Scale scale = context.scale();
        List<Integer> distances = scale == Scale.FULL ? List.of(5, 25, 50, 100) : List.of(50);
        ResultTable table = new ResultTable("k", "rnn: accuracy", "lstm: accuracy", "gru: accuracy",
                "rnn: grad at key", "lstm: grad at key", "gru: grad at key");
        for (int k : distances) {
            Path corpus = DistanceTask.write(context.scratch().resolve("vanishing/k" + k + ".tsv"),
                    scale.pick(4000, 3000), k, context.seed());
            List<String> sample = Files.readAllLines(corpus).subList(0, GRADIENT_LINES);
            Map<String, Double> accuracy = new LinkedHashMap<>();
            Map<String, String> gradient = new LinkedHashMap<>();
            for (String cell : CELLS) {
                Map<String, Object> settings = RunSettings.classifier(cell, "last", k + 1, scale.pick(15, 10));
                settings.put("model.lstmForgetBias", GATE_BIAS);
                String runId = "vanishing-" + cell + "-k" + k;
                Consumer<ComputationGraph> init = "gru".equals(cell)
                        ? GruUpdateGate.biasedBy(GATE_BIAS, 1) : graph -> { };
                gradient.put(cell, String.format(Locale.ROOT, "%.2e",
                        KeyGradient.meanNorm(context.trainings().config(runId, corpus, settings), sample, init)));
                TrainedRun run = context.trainings().train(runId, corpus, settings, init);
                accuracy.put(cell, run.lastValidation("valAccuracy"));
            }
            table.add(String.valueOf(k), accuracy.get("rnn"), accuracy.get("lstm"), accuracy.get("gru"),
                    gradient.get("rnn"), gradient.get("lstm"), gradient.get("gru"));
        }
        table.note("grad at key: L2 norm of the gradient of the loss with respect to the key's embedding input, "
                + "k steps before the readout, in the untrained network (mean over " + GRADIENT_LINES + " lines); "
                + "DL4J exposes no gradient with respect to a hidden state, the step's input is the nearest it does.");
        table.note("Validation accuracy on held-out lines (chance 0.25: four keys). One layer of 32 units, embedding "
                + "8, last-step pooling, initial lstm forget-gate and gru update-gate bias " + GATE_BIAS + ", Adam 0.01, "
                + "2 replicas x 4 steps x 32 lines per round.");
        return table;
    }
}
