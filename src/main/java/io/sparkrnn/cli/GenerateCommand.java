package io.sparkrnn.cli;

import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.ConfigError;
import io.sparkrnn.dist.RunSnapshot;
import io.sparkrnn.train.TextSampler;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Sample text from a checkpoint (no Spark needed).")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "URI",
            description = "A ckpt-N folder, or a run folder (its latest complete checkpoint).")
    String checkpoint;

    @Option(names = "--prompt", defaultValue = "The ", description = "Text to continue (default: '${DEFAULT-VALUE}').")
    String prompt;

    @Option(names = "--length", defaultValue = "500", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", defaultValue = "0.8",
            description = "Softmax temperature, > 0; lower is more conservative (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "1", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (length < 0 || !(temperature > 0)) {
            throw new ConfigError(null, "--length must be >= 0 and --temperature > 0, got "
                    + length + " and " + temperature);
        }
        RunSnapshot snapshot = Checkpoints.load(checkpoint, new Configuration());
        if (snapshot.isClassifier()) {
            throw new ConfigError(null, "checkpoint " + checkpoint + " is a classifier (task = classify, labels "
                    + snapshot.labels() + "): it predicts a label per line, not characters, so there is nothing to "
                    + "generate; use 'sparkrnn evaluate --checkpoint " + checkpoint + "' for its accuracy");
        }
        System.out.println(new TextSampler(snapshot.graph(), snapshot.vocabulary()).sample(prompt, length, temperature, seed));
        return ExitCodes.OK;
    }
}
