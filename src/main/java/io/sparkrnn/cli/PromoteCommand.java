package io.sparkrnn.cli;

import io.sparkrnn.checkpoint.CheckpointPolicy;
import io.sparkrnn.checkpoint.CheckpointRef;
import io.sparkrnn.checkpoint.CheckpointStore;
import io.sparkrnn.checkpoint.Promotion;
import io.sparkrnn.config.ConfigError;
import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.SnapshotFiles;
import io.sparkrnn.dist.StateJson;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Copy a checkpoint into a production folder atomically (no Spark needed).",
                "The copy goes to a temp folder, every file is verified against its checksum while copied and read "
                        + "back before the folder is renamed to <to>/ckpt-N and <to>/LATEST names it. The newest "
                        + "checkpoint.keep copies stay for rollback. Run it only after the evaluate gate passed."})
final class PromoteCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "URI",
            description = "What to promote: a ckpt-N folder, or a run folder (its latest complete checkpoint).")
    String checkpoint;

    @Option(names = "--to", required = true, paramLabel = "URI",
            description = "The production folder (any Hadoop URI, e.g. <checkpoint.root>/production); created if missing.")
    String to;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "checkpoint.keep, checkpoint.dirPermission or checkpoint.filePermission for the production folder.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        promote(checkpoint, to, ConfigLoader.load(null, overrides), new Configuration());
        return ExitCodes.OK;
    }

    /** Copies {@code checkpoint} into the production folder {@code to} (also the last step of nightly). */
    static CheckpointRef promote(String checkpoint, String to, RunConfig settings, Configuration hadoop) throws IOException {
        CheckpointRef source = CheckpointRef.resolve(checkpoint, hadoop);
        StateJson.Contents state = SnapshotFiles.readState(source); // refuses anything but a spark-rnn checkpoint
        CheckpointStore production = openProduction(to, settings, hadoop);
        production.checkWritable();
        CheckpointRef copy = Promotion.promote(source, production);
        System.out.printf(Locale.ROOT, "promoted %s (run %s, round %d) to %s; %s/LATEST names it%n", source.uri(),
                state.config().get(Options.RUN_ID), state.position().round(), copy.uri(), production.runUri());
        return copy;
    }

    /** The production folder as a store, with checkpoint.keep and the permissions of {@code settings}. */
    static CheckpointStore openProduction(String to, RunConfig settings, Configuration hadoop) throws IOException {
        CheckpointPolicy policy = new CheckpointPolicy(settings.get(Options.CHECKPOINT_KEEP),
                settings.get(Options.CHECKPOINT_DIR_PERMISSION), settings.get(Options.CHECKPOINT_FILE_PERMISSION));
        try {
            return CheckpointStore.openFolder(to, hadoop, policy);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(null, "--to " + to + ": " + e.getMessage());
        }
    }
}
