package io.sparkrnn.cli;

import io.sparkrnn.checkpoint.CheckpointException;
import io.sparkrnn.config.ConfigError;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.dist.CorpusError;
import io.sparkrnn.dist.RunError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sparkrnn train | evaluate | score | generate | promote | nightly | bench | experiment}. The same class is the spark-submit main class and the
 * standalone entry point; every failure the user can fix ends in a one-paragraph message and a documented
 * exit code (see {@link ExitCodes}).
 */
@Command(name = "sparkrnn", mixinStandardHelpOptions = true, version = "spark-rnn 0.1.0",
        description = "Distributed training of deep stacked RNN language models on Apache Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, ScoreCommand.class, GenerateCommand.class, PromoteCommand.class,
                NightlyCommand.class,
                BenchCommand.class, ExperimentCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e));
        cli.setParameterExceptionHandler((e, args1) -> {
            System.err.println("error: " + e.getMessage());
            e.getCommandLine().usage(System.err);
            return ExitCodes.CONFIG;
        });
        return cli.execute(args);
    }

    static int report(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            int code = exitCode(t);
            if (code != ExitCodes.INTERNAL) {
                System.err.println("error: " + t.getMessage());
                return code;
            }
        }
        System.err.println("error: unexpected failure, please report it with this trace");
        e.printStackTrace(System.err);
        return ExitCodes.INTERNAL;
    }

    /** The exit code of a failure the user can act on, or INTERNAL. */
    static int exitCode(Throwable t) {
        if (t instanceof ConfigError) {
            return ExitCodes.CONFIG;
        }
        if (t instanceof CorpusError) {
            return ExitCodes.CORPUS;
        }
        if (t instanceof RunError) {
            return ((RunError) t).exitCode();
        }
        if (t instanceof CheckpointException) {
            return ExitCodes.CHECKPOINT;
        }
        return ExitCodes.INTERNAL;
    }
}
