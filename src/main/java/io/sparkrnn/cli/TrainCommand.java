package io.sparkrnn.cli;

import io.sparkrnn.config.ConfigError;
import io.sparkrnn.config.ConfigOption;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.Dl4jComparison;
import io.sparkrnn.dist.TrainingRun;
import io.sparkrnn.dist.TrainingSummary;
import io.sparkrnn.metrics.ConsoleProgress;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a language model on Spark; resumes the run's last checkpoint when there is one.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--fresh", description = "Refuse to touch an existing run folder instead of resuming it.")
    boolean fresh;

    @Option(names = "--resume", description = "Resume the run's latest complete checkpoint, and fail (exit code 4) "
            + "when the run folder has none, instead of starting the run. Without --resume or --fresh, a run folder "
            + "with a checkpoint is resumed and one without starts the run.")
    boolean resume;

    @Option(names = "--init-from", paramLabel = "URI",
            description = "Warm start: a new run begins with the parameters and vocabulary of this checkpoint (a "
                    + "ckpt-N folder, a run folder or a promoted production folder), at round 0 with fresh optimizer "
                    + "states. Characters the vocabulary lacks are read as <unk> and counted. Running the same "
                    + "command again resumes the run instead.")
    String initFrom;

    @Option(names = "--help-config", description = "List every configuration key with its default and exit.")
    boolean helpConfig;

    @Override
    public Integer call() throws Exception {
        if (helpConfig) {
            printConfigReference();
            return ExitCodes.OK;
        }
        if (resume && (fresh || initFrom != null)) {
            throw new ConfigError("--resume", "--resume cannot be combined with "
                    + (fresh ? "--fresh" : "--init-from") + ": --resume continues an existing run, "
                    + (fresh ? "--fresh refuses one" : "--init-from starts a new one"));
        }
        RunConfig config = common.load();
        Dl4jComparison.requireAvailable(config); // before Spark starts
        ConsoleProgress progress = ConsoleProgress.forStandardOutput(config.get(Options.QUIET));
        try (JavaSparkContext sc = SparkContexts.create("spark-rnn " + config.get(Options.RUN_ID), common.master)) {
            progress.info("Spark " + sc.version() + " master " + sc.master() + ", UI " + sc.sc().uiWebUrl().getOrElse(() -> "off"));
            TrainingSummary summary = new TrainingRun(sc, config, fresh, initFrom, progress)
                    .requireCheckpoint(resume).run();
            progress.summary(Double.isNaN(summary.lastValidationAccuracy())
                    ? String.format(Locale.ROOT, "done: validation %.3f bits per character; checkpoint %s",
                            summary.lastValidationBpc(), summary.checkpointUri())
                    : String.format(Locale.ROOT, "done: validation accuracy %.4f; checkpoint %s",
                            summary.lastValidationAccuracy(), summary.checkpointUri()));
            if (!summary.sample().isEmpty()) {
                progress.summary("sample:\n" + summary.sample());
            }
        }
        return ExitCodes.OK;
    }

    private static void printConfigReference() {
        for (ConfigOption<?> option : Options.all().values()) {
            System.out.printf(Locale.ROOT, "%s = %s%n    %s%n    allowed: %s%n", option.key(),
                    option.defaultValue(), option.description(), option.allowed());
        }
    }
}
