package io.sparkrnn.experiment;

import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.RunError;
import io.sparkrnn.dist.TrainingRun;
import io.sparkrnn.dist.TrainingSummary;
import io.sparkrnn.metrics.ConsoleProgress;
import io.sparkrnn.metrics.MetricsJournal;
import io.sparkrnn.metrics.MetricsRow;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the real training pipeline (TrainingRun on the experiment's Spark context) on a generated corpus, with
 * the experiment's settings as --set overrides, and reads back its metrics, also from a run that diverged.
 */
public final class Trainings {
    private final ExperimentContext context;

    Trainings(ExperimentContext context) {
        this.context = context;
    }

    /** A config: the defaults, then the experiment's base settings, then {@code settings}. */
    public RunConfig config(String runId, Path corpus, Map<String, Object> settings) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("run.id", runId);
        all.put("run.seed", context.seed());
        all.put("data.corpus", corpus.toUri().toString());
        all.put("checkpoint.root", context.scratch().resolve("runs").toUri().toString());
        all.put("checkpoint.everyRounds", 1_000_000);
        all.put("sample.length", 0);
        all.put("log.quiet", true);
        all.putAll(settings);
        List<String> overrides = new ArrayList<>();
        all.forEach((key, value) -> overrides.add(key + "=" + value));
        return ConfigLoader.load(null, overrides);
    }

    public TrainedRun train(String runId, Path corpus, Map<String, Object> settings) throws IOException {
        return train(runId, corpus, settings, graph -> { });
    }

    /** Trains from scratch; {@code initialisation} changes the initial parameters first. */
    public TrainedRun train(String runId, Path corpus, Map<String, Object> settings,
                            Consumer<ComputationGraph> initialisation) throws IOException {
        RunConfig config = config(runId, corpus, settings);
        // The runs' own per-round lines would bury the experiment's table; the experiment prints one line per run.
        ConsoleProgress silent = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true);
        long started = System.nanoTime();
        TrainedRun run;
        try {
            TrainingSummary summary = new TrainingRun(context.sc(), config, true, silent).initialisedBy(initialisation).run();
            run = new TrainedRun(summary.rows(), false, summary.finalState().params().length(), seconds(started));
        } catch (RunError e) {
            if (e.exitCode() != ExitCodes.DIVERGED) {
                throw e;
            }
            run = new TrainedRun(journal(runId), true, -1, seconds(started));
        }
        context.progress().info(String.format(Locale.ROOT, "  %s: %d rounds, last validation %.3f bpc%s, %.0f s",
                runId, run.rows().size(), run.lastValidation("valBpc"), run.diverged() ? " (diverged)" : "", run.seconds()));
        return run;
    }

    /** The metrics.jsonl rows a run wrote before it stopped. */
    private List<MetricsRow> journal(String runId) throws IOException {
        return MetricsJournal.read(context.scratch().resolve("runs").resolve(runId).toUri().toString(),
                new Configuration());
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
