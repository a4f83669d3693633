package io.sparkrnn.cli;

import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.RunSnapshot;
import io.sparkrnn.dist.SnapshotEvaluation;
import io.sparkrnn.train.LossSum;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Validation loss, perplexity and bits per character of a checkpoint on its held-out data.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "URI",
            description = "A ckpt-N folder, or a run folder (its latest complete checkpoint).")
    String checkpoint;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a key of the checkpoint's config, e.g. data.corpus=hdfs://.../new.txt.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit.")
    String master;

    @Override
    public Integer call() throws Exception {
        try (JavaSparkContext sc = SparkContexts.create("spark-rnn evaluate", master)) {
            RunSnapshot snapshot = Checkpoints.load(checkpoint, sc.hadoopConfiguration());
            RunConfig config = ConfigLoader.loadText(snapshot.config().render(), checkpoint, overrides);
            LossSum loss = SnapshotEvaluation.evaluate(sc, config, snapshot);
            System.out.printf(Locale.ROOT, "checkpoint %s (round %d)%nvalidation loss %.4f nats, perplexity %.3f, "
                            + "%.4f bits per character, %,d characters%n", checkpoint, snapshot.round(),
                    loss.meanLoss(), loss.perplexity(), loss.bitsPerToken(), loss.tokens());
        }
        return ExitCodes.OK;
    }
}
