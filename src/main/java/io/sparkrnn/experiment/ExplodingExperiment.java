package io.sparkrnn.experiment;

import io.sparkrnn.config.RunConfig;
import io.sparkrnn.metrics.MetricsRow;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A vanilla RNN whose recurrent weights start large, trained by plain SGD without clipping, with DL4J's per-layer
 * clipping and with our global-norm clipping, all else equal. One replica averaging after every step, so each
 * round of the real pipeline is one SGD step and its metrics row that step's loss and raw gradient norm. Also the
 * cosine between the applied step and the raw gradient for each clipping mode ({@link ClippedStepDirection}).
 */
final class ExplodingExperiment implements Experiment {
    static final String[] MODES = {"none", "perLayer", "global"};
    /** Recurrent weights x this after Xavier initialisation (spectral radius about 1 before). */
    static final double RECURRENT_SCALE = 2.0;
    /** Large on purpose: SGD without clipping at this rate is thrown off by the first, exploded step. */
    static final double LEARNING_RATE = 2.0;
    /**
     * train.maxGradNorm of the clipped runs: steps of at most lr x 0.5 = 1. Larger budgets made the globally clipped
     * run worse than the unclipped one (lr 1 x 5, lr 2 x 5: its loss rose to 12-19 nats), see docs/EXPERIMENTS.md.
     */
    static final double CLIP = 0.5;
    static final int SEQ_LENGTH = 64;
    static final int HIDDEN = 128;
    /** Steps averaged for the start and end of training in the summary. */
    static final int EDGE = 10;
    static final int DIRECTION_BATCHES = 5;

    @Override
    public String name() { return "exploding"; }

    @Override
    public String claim() {
        return "A vanilla RNN with large recurrent weights has exploding gradients: without clipping SGD's loss jumps "
                + "or diverges; clipping the gradient's global norm keeps training stable and keeps the gradient's "
                + "direction, which per-layer clipping does not.";
    }

    @Override
    public ResultTable run(ExperimentContext context) throws IOException {
        Scale scale = context.scale();
        int steps = scale.pick(200, 60);
        Path corpus = new SyntheticLanguage(context.seed()).write(context.scratch().resolve("exploding/corpus.txt"),
                scale.pick(300_000, 60_000));
        String text = Files.readString(corpus);
        Consumer<ComputationGraph> init = RecurrentWeights.scaledBy(RECURRENT_SCALE, 1);
        Map<String, TrainedRun> runs = new LinkedHashMap<>();
        Map<String, Double> cosines = new LinkedHashMap<>();
        for (String mode : MODES) {
            Map<String, Object> settings = RunSettings.languageModel(steps, steps);
            settings.put("model.cell", "rnn");
            settings.put("model.layers", 1);
            settings.put("model.hiddenSize", HIDDEN);
            settings.put("model.seqLength", SEQ_LENGTH);
            settings.put("train.updater", "sgd");
            settings.put("train.learningRate", LEARNING_RATE);
            settings.put("train.clipping", mode);
            settings.put("train.maxGradNorm", CLIP);
            // One replica, one step per round: every metrics row is one step.
            settings.put("master.replicas", 1);
            settings.put("train.averagingFrequency", 1);
            // The master's own limit on the applied update would clip the unclipped run: lifted for all three.
            settings.put("master.maxUpdateNorm", 1e30);
            // Divergence is the result here: no retries at a lower learning rate.
            settings.put("train.nonFiniteRetries", 0);
            String runId = "exploding-" + mode;
            RunConfig config = context.trainings().config(runId, corpus, settings);
            cosines.put(mode, ClippedStepDirection.meanCosine(config, text, DIRECTION_BATCHES, init));
            runs.put(mode, context.trainings().train(runId, corpus, settings, init));
        }
        ResultTable table = new ResultTable("clipping", "steps", "diverged", "start loss", "end loss",
                "largest rise", "rises > 1 nat", "max grad norm", "val bpc", "step-gradient cosine");
        for (String mode : MODES) {
            TrainedRun run = runs.get(mode);
            double[] loss = column(run, "trainLoss");
            table.add(mode, loss.length, run.diverged() ? "yes" : "no", mean(loss, 0, EDGE),
                    mean(loss, loss.length - EDGE, loss.length), largestRise(loss), risesAbove(loss, 1.0),
                    String.format(Locale.ROOT, "%.3g", max(column(run, "gradNormMax"))),
                    run.lastValidation("valBpc"), String.format(Locale.ROOT, "%.6f", cosines.get(mode)));
        }
        table.note("Every step of each run in the next table. start / end loss: training loss (nats per character) "
                + "averaged over the first / last " + EDGE + " steps; largest rise: the largest increase of the loss "
                + "from one step to the next; max grad norm: the largest raw per-token gradient L2 norm before "
                + "clipping; diverged: a step went non-finite and the run stopped there. step-gradient cosine: cosine "
                + "between the step the trainer applied and the raw gradient of the same minibatch, at the initial "
                + "parameters, mean over " + DIRECTION_BATCHES + " minibatches.");
        table.note(String.format(Locale.ROOT, "1-layer rnn %d, sequences of %d characters, batches of 16, SGD lr %s, "
                        + "recurrent weights x%s after Xavier, train.maxGradNorm %s for perLayer and global, one "
                        + "replica averaging after every step (master.maxUpdateNorm lifted).", HIDDEN, SEQ_LENGTH,
                LEARNING_RATE, RECURRENT_SCALE, CLIP));
        table.part("steps", "every step", stepTable(runs, steps));
        return table;
    }

    private static ResultTable stepTable(Map<String, TrainedRun> runs, int steps) {
        ResultTable table = new ResultTable("step", "none: loss", "none: grad norm", "perLayer: loss",
                "perLayer: grad norm", "global: loss", "global: grad norm");
        for (int step = 1; step <= steps; step++) {
            Object[] cells = new Object[1 + 2 * MODES.length];
            cells[0] = String.valueOf(step);
            for (int m = 0; m < MODES.length; m++) {
                cells[1 + 2 * m] = runs.get(MODES[m]).at("trainLoss", step);
                cells[2 + 2 * m] = String.format(Locale.ROOT, "%.3g", runs.get(MODES[m]).at("gradNormMax", step));
            }
            table.add(cells);
        }
        table.note("Training loss of the step's minibatch (nats per character) and its raw per-token gradient norm "
                + "before clipping; NaN after a run stopped.");
        return table;
    }

    private static double[] column(TrainedRun run, String field) {
        return run.rows().stream().mapToDouble((MetricsRow row) -> row.number(field)).toArray();
    }

    private static double mean(double[] values, int from, int to) {
        double sum = 0;
        int n = 0;
        for (int i = Math.max(0, from); i < Math.min(values.length, to); i++) {
            sum += values[i];
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double largestRise(double[] loss) {
        double largest = 0;
        for (int i = 1; i < loss.length; i++) {
            largest = Math.max(largest, loss[i] - loss[i - 1]);
        }
        return largest;
    }

    private static int risesAbove(double[] loss, double nats) {
        int count = 0;
        for (int i = 1; i < loss.length; i++) {
            count += loss[i] - loss[i - 1] > nats ? 1 : 0;
        }
        return count;
    }

    private static double max(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            max = Math.max(max, value);
        }
        return max;
    }
}
