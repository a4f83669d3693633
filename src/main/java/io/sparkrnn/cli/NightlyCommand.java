package io.sparkrnn.cli;

import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.metrics.ConsoleProgress;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "nightly", mixinStandardHelpOptions = true,
        description = {"The nightly retraining pipeline in one command (cron and the Airflow DAG run only this): train "
                + "tonight's run, gate it against the production model, promote it only when it passes.",
                "Training resumes tonight's run when an earlier attempt left a checkpoint, else warm-starts from "
                        + "production (--init-from), else (no production model yet) starts from scratch; the first "
                        + "model is promoted without a gate. The production folder's lock keeps two nightly runs "
                        + "apart (exit 5). A file system that cannot be reached fails the run before anything is "
                        + "trained or promoted (exit 4); a failed gate exits 10. Production is changed only by the "
                        + "final, atomic promotion."})
final class NightlyCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Tonight's run id (run.id), under checkpoint.root (default: nightly-YYYYMMDD, today's date).")
    String runId;

    @Option(names = "--production", paramLabel = "URI",
            description = "The production folder (default: <checkpoint.root>/production).")
    String production;

    @Option(names = "--max-regression", paramLabel = "BPC", defaultValue = "0.02",
            description = "How many bits per character tonight's model may be worse than production's and still be "
                    + "promoted (default ${DEFAULT-VALUE}).")
    double maxRegression;

    @Override
    public Integer call() throws Exception {
        RegressionGate gate = new RegressionGate(maxRegression);
        List<String> settings = new ArrayList<>(common.overrides);
        settings.add("run.id=" + (runId != null ? runId
                : "nightly-" + LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE)));
        RunConfig config = ConfigLoader.load(common.conf, settings);
        String productionUri = production != null ? production
                : new Path(config.get(Options.CHECKPOINT_ROOT), "production").toString();
        ConsoleProgress progress = ConsoleProgress.forStandardOutput(config.get(Options.QUIET));
        try (JavaSparkContext sc = SparkContexts.create("spark-rnn nightly " + config.get(Options.RUN_ID), common.master)) {
            return new NightlyRetraining(sc, config, productionUri, gate, progress).run();
        }
    }
}
