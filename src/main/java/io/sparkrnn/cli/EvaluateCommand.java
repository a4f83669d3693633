package io.sparkrnn.cli;

import io.sparkrnn.config.ConfigError;
import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.RunSnapshot;
import io.sparkrnn.dist.SnapshotEvaluation;
import io.sparkrnn.train.Validation;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Validation loss, perplexity and bits per character of a checkpoint on its held-out data; for a "
                + "classifier (task = classify), validation loss, accuracy, macro F1 and each label's precision, "
                + "recall and F1.",
                "With --baseline, a promotion gate: both models are evaluated on the same held-out data (the "
                        + "candidate's corpus and split); the exit code is 0 when the candidate is better than the "
                        + "baseline or worse by at most --max-regression bits per character, else 10. Language "
                        + "models only: with a classifier it is a usage error (exit 2)."})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "URI",
            description = "The candidate: a ckpt-N folder, or a run folder (its latest complete checkpoint).")
    String checkpoint;

    @Option(names = "--baseline", paramLabel = "URI",
            description = "The model to compare with, e.g. the production folder; a ckpt-N, run or promoted folder.")
    String baseline;

    @Option(names = "--max-regression", paramLabel = "BPC",
            description = "With --baseline: how many bits per character (not nats, not percent) the candidate may be "
                    + "worse than the baseline and still pass (default 0: no worse).")
    Double maxRegression;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a key of the candidate checkpoint's config, e.g. data.corpus=hdfs://.../new.txt.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit.")
    String master;

    @Override
    public Integer call() throws Exception {
        if (maxRegression != null && baseline == null) {
            throw new ConfigError(null, "--max-regression needs --baseline: the margin is measured against a baseline model");
        }
        RegressionGate gate = new RegressionGate(maxRegression == null ? 0 : maxRegression);
        try (JavaSparkContext sc = SparkContexts.create("spark-rnn evaluate", master)) {
            RunSnapshot candidate = Checkpoints.load(checkpoint, sc.hadoopConfiguration());
            if (baseline != null) {
                return BaselineComparison.compare(sc, checkpoint, candidate, baseline, gate, overrides);
            }
            RunConfig data = ConfigLoader.loadText(candidate.config().render(), checkpoint, overrides);
            Validation result = SnapshotEvaluation.evaluate(sc, data, candidate);
            if (candidate.isClassifier()) {
                System.out.printf(Locale.ROOT, "checkpoint %s (round %d)%n", checkpoint, candidate.round());
                System.out.print(ClassificationReport.format(result, candidate.labels()));
            } else {
                BaselineComparison.print("checkpoint", checkpoint, candidate, result.loss());
            }
            return ExitCodes.OK;
        }
    }
}
