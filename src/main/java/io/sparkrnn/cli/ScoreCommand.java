package io.sparkrnn.cli;

import io.sparkrnn.config.ConfigError;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.dist.CorpusError;
import io.sparkrnn.dist.RunError;
import io.sparkrnn.ml.ScoredOutput;
import io.sparkrnn.ml.SparkRnnModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score a dataset with a checkpoint: a language model adds each line's bits per character, "
                + "characters scored and log-likelihood; a classifier the predicted label and each label's "
                + "probability.",
                "Input: text files (one example per line) or Parquet, JSON or ORC with the text in --column. Output: "
                        + "the input's columns plus the scores, as Parquet (default), JSON or CSV. An existing output "
                        + "is refused (exit 5) unless --overwrite."})
final class ScoreCommand implements Callable<Integer> {
    private static final List<String> INPUT_FORMATS = List.of("text", "parquet", "json", "orc");
    private static final List<String> OUTPUT_FORMATS = List.of("parquet", "json", "csv");

    @Option(names = "--checkpoint", required = true, paramLabel = "URI",
            description = "The model: a ckpt-N folder, a run folder (its latest complete checkpoint) or a production folder.")
    String checkpoint;

    @Option(names = "--input", required = true, paramLabel = "URI", description = "Files, a folder or a glob, on any Hadoop file system.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "URI", description = "The folder Spark writes.")
    String output;

    @Option(names = "--input-format", paramLabel = "FORMAT", description = "text (default), parquet, json or orc.")
    String inputFormat = "text";

    @Option(names = "--column", paramLabel = "NAME",
            description = "The text column (default: text; for text input, the name the lines get).")
    String column = "text";

    @Option(names = "--output-format", paramLabel = "FORMAT", description = "parquet (default), json or csv.")
    String outputFormat = "parquet";

    @Option(names = "--overwrite", description = "Replace an existing output instead of refusing it.")
    boolean overwrite;

    @Option(names = "--windows", paramLabel = "MODE",
            description = "Language model, lines longer than model.seqLength: carry (default: the state flows through "
                    + "the whole line) or independent (each window from a zero state, as evaluate scores).")
    String windows = "carry";

    @Option(names = "--batch-size", paramLabel = "N", description = "Lines per forward pass (default 128).")
    int batchSize = 128;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit.")
    String master;

    @Override
    public Integer call() throws Exception {
        requireOneOf("--input-format", inputFormat, INPUT_FORMATS);
        requireOneOf("--output-format", outputFormat, OUTPUT_FORMATS);
        requireOneOf("--windows", windows, List.of("carry", "independent"));
        if (batchSize < 1) {
            throw new ConfigError(null, "--batch-size must be >= 1, got " + batchSize);
        }
        try (JavaSparkContext sc = SparkContexts.create("spark-rnn score", master)) {
            SparkSession spark = SparkSession.builder().getOrCreate();
            Configuration hadoop = sc.hadoopConfiguration();
            requireInput(hadoop);
            requireOutputFree(hadoop);
            SparkRnnModel model = SparkRnnModel.fromCheckpoint(checkpoint, hadoop).setInputCol(column)
                    .setWindows(windows).setBatchSize(batchSize);
            System.out.println("model: " + model.describe());
            Dataset<Row> scored = scored(model, read(spark));
            LongAccumulator lines = sc.sc().longAccumulator("spark-rnn lines scored");
            long start = System.nanoTime();
            ScoredOutput.counted(ScoredOutput.forFormat(scored, model, outputFormat), lines)
                    .write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                    .format(outputFormat).option("header", "true").save(output);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "scored %,d lines in %.1f s: %,.0f lines/s; wrote %s (%s)%n", lines.value(),
                    seconds, lines.value() / seconds, output, outputFormat);
        }
        return ExitCodes.OK;
    }

    private Dataset<Row> read(SparkSession spark) {
        if (inputFormat.equals("text")) {
            return spark.read().text(input).withColumnRenamed("value", column);
        }
        return spark.read().format(inputFormat).load(input);
    }

    /** A column that is missing or not text is a usage error, named with the columns there are. */
    private static Dataset<Row> scored(SparkRnnModel model, Dataset<Row> data) {
        try {
            return model.transform(data);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("--column", e.getMessage().replace("setInputCol", "--column"));
        }
    }

    private void requireInput(Configuration hadoop) throws IOException {
        Path path = new Path(input);
        FileSystem fs = path.getFileSystem(hadoop);
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
            throw new CorpusError("input " + input + " does not exist (resolved to " + fs.makeQualified(path)
                    + "); pass existing files, a folder or a glob with --input");
        }
    }

    private void requireOutputFree(Configuration hadoop) throws IOException {
        Path path = new Path(output);
        FileSystem fs = path.getFileSystem(hadoop);
        if (!overwrite && fs.exists(path)) {
            throw new RunError(ExitCodes.RUN_CONFLICT, "output " + fs.makeQualified(path) + " already exists; pass "
                    + "--overwrite to replace it, or another --output");
        }
    }

    private static void requireOneOf(String option, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new ConfigError(option, option + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
    }
}
