package io.sparkrnn.experiment;

import io.sparkrnn.config.RunConfig;
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
 * carries information back in time; the norm of d loss / d h_t at every step back from the readout, in the
 * untrained network, shows how far the gradient gets ({@link StateGradients}).
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
                "rnn: dL/dh at key", "lstm: dL/dh at key", "gru: dL/dh at key");
        Map<String, double[]> perStep = new LinkedHashMap<>();
        for (int k : distances) {
            Path corpus = DistanceTask.write(context.scratch().resolve("vanishing/k" + k + ".tsv"),
                    scale.pick(4000, 3000), k, context.seed());
            List<String> sample = Files.readAllLines(corpus).subList(0, GRADIENT_LINES);
            Map<String, Double> accuracy = new LinkedHashMap<>();
            perStep.clear();
            for (String cell : CELLS) {
                Map<String, Object> settings = RunSettings.classifier(cell, "last", k + 1, scale.pick(15, 10));
                settings.put("model.lstmForgetBias", GATE_BIAS);
                String runId = "vanishing-" + cell + "-k" + k;
                Consumer<ComputationGraph> init = "gru".equals(cell)
                        ? GruUpdateGate.biasedBy(GATE_BIAS, 1) : graph -> { };
                RunConfig config = context.trainings().config(runId, corpus, settings);
                perStep.put(cell, StateGradients.meanNorms(config, sample, init));
                TrainedRun run = context.trainings().train(runId, corpus, settings, init);
                accuracy.put(cell, run.lastValidation("valAccuracy"));
            }
            // The key is the first character: step 0, k steps before the readout at step k.
            table.add(String.valueOf(k), accuracy.get("rnn"), accuracy.get("lstm"), accuracy.get("gru"),
                    scientific(perStep.get("rnn")[0]), scientific(perStep.get("lstm")[0]),
                    scientific(perStep.get("gru")[0]));
        }
        int longest = distances.get(distances.size() - 1);
        table.note("dL/dh at key: L2 norm of d loss / d h_0, the gradient reaching the hidden state at the key's step "
                + "from the readout k steps later, in the untrained network (mean over " + GRADIENT_LINES
                + " lines); every step for k = " + longest + " in the next table.");
        table.note("Validation accuracy on held-out lines (chance 0.25: four keys). One layer of 32 units, embedding "
                + "8, last-step pooling, initial lstm forget-gate and gru update-gate bias " + GATE_BIAS + ", Adam 0.01, "
                + "2 replicas x 4 steps x 32 lines per round.");
        table.part("steps", "d loss / d h_t at every step back from the readout (k = " + longest + ", untrained)",
                stepTable(perStep, longest));
        return table;
    }

    private static ResultTable stepTable(Map<String, double[]> perStep, int k) {
        ResultTable steps = new ResultTable("steps back", "rnn: dL/dh", "lstm: dL/dh", "gru: dL/dh");
        for (int back = 0; back <= k; back++) {
            int t = k - back;
            steps.add(String.valueOf(back), scientific(perStep.get("rnn")[t]), scientific(perStep.get("lstm")[t]),
                    scientific(perStep.get("gru")[t]));
        }
        steps.note("L2 norm of d loss / d h_t, t = k - (steps back), mean over " + GRADIENT_LINES + " lines of the "
                + "task, in the untrained networks above (same initialisation, same gate biases); step 0 back is the "
                + "readout, step k back the key. LSTM and GRU: from our kernels' backward pass; rnn (DL4J's "
                + "SimpleRnn): from our GRU kernel holding its weights with the update gate shut and the reset gate "
                + "open, which computes the same function (outputs checked equal).");
        return steps;
    }

    private static String scientific(double value) {
        return String.format(Locale.ROOT, "%.2e", value);
    }
}
