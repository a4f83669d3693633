package io.sparkrnn.cli;

import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.experiment.Experiment;
import io.sparkrnn.experiment.ExperimentContext;
import io.sparkrnn.experiment.Experiments;
import io.sparkrnn.experiment.ResultTable;
import io.sparkrnn.experiment.Scale;
import io.sparkrnn.metrics.ConsoleProgress;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run one of the lecture's claims on generated data (vanishing, exploding, gru-vs-lstm, depth, "
                + "bidirectional) and write its table as NAME.md and NAME.csv (further tables as NAME-PART.csv).")
final class ExperimentCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The experiment.")
    String name;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for NAME.md and NAME.csv (default: experiments/NAME).")
    File out;

    @Option(names = "--reduced", description = "The smaller version the tests run (fewer rounds and settings).")
    boolean reduced;

    @Option(names = "--seed", description = "Seed of the generated data and of every run (default: 42).")
    long seed = 42;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*]).")
    String master;

    @Override
    public Integer call() throws IOException {
        Experiment experiment = Experiments.named(name);
        Path folder = out != null ? out.toPath() : Path.of("experiments", name);
        ConsoleProgress progress = ConsoleProgress.forStandardOutput(false);
        Path scratch = Files.createTempDirectory("sparkrnn-experiment-" + name);
        long started = System.nanoTime();
        ResultTable table;
        try (JavaSparkContext sc = SparkContexts.create("spark-rnn experiment " + name, master)) {
            progress.info("experiment " + name + (reduced ? " (reduced)" : "") + " on Spark " + sc.master() + ": "
                    + experiment.claim());
            table = experiment.run(new ExperimentContext(sc, scratch, reduced ? Scale.REDUCED : Scale.FULL, seed, progress));
        } finally {
            deleteRecursively(scratch);
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        String heading = String.format(Locale.ROOT, "## %s%s\n\n%s (%.1f min)", name, reduced ? " (reduced)" : "",
                experiment.claim(), minutes);
        table.write(folder, name, heading);
        progress.summary(heading + "\n\n" + table.markdown());
        StringBuilder written = new StringBuilder("written: " + folder.resolve(name + ".md") + ", "
                + folder.resolve(name + ".csv"));
        table.partFiles(name).forEach(file -> written.append(", ").append(folder.resolve(file)));
        progress.summary(written.toString());
        return ExitCodes.OK;
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
