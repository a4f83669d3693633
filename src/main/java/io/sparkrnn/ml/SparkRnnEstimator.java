package io.sparkrnn.ml;

import io.sparkrnn.checkpoint.CheckpointPolicy;
import io.sparkrnn.checkpoint.CheckpointStore;
import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.TrainingRun;
import io.sparkrnn.dist.TrainingSummary;
import io.sparkrnn.metrics.ConsoleProgress;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Trains a spark-rnn model from a Dataset through the same master as {@code sparkrnn train}, and returns it as a
 * {@link SparkRnnModel}. Without a label column it trains a language model on the text column; with one, a
 * classifier ({@code task = classify}) on {@code label<TAB>text} lines. The settings are the CLI's: a HOCON file
 * ({@link #setConfigFile}) and {@code key=value} overrides ({@link #setSettings}), so a fit with the same settings
 * and rows as a {@code train} run on the same corpus bytes gives the same parameters.
 * <p>
 * The rows are written to {@code <checkpoint.root>/<run.id>/fit-input/} (the run's {@code data.corpus}, kept so
 * that {@code evaluate} can rebuild the held-out split), then the run trains there, resuming a run folder that
 * holds checkpoints as {@code train} does. The model is the run's final checkpoint.
 */
public final class SparkRnnEstimator extends Estimator<SparkRnnModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    /** The corpus folder fit writes inside the run folder. */
    public static final String INPUT_FOLDER = "fit-input";

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> labelCol;
    private final Param<String> configFile;
    private final StringArrayParam settings;

    public SparkRnnEstimator(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of the text to train on (string)");
        labelCol = new Param<>(this, "labelCol", "column of the label; set: train a classifier (task = classify), "
                + "unset: a language model");
        configFile = new Param<>(this, "configFile", "HOCON configuration file on the driver, as train --conf");
        settings = new StringArrayParam(this, "settings", "key=value overrides, as train --set (data.corpus and "
                + "task are set by fit)");
        setDefault(inputCol, "text");
        setDefault(settings, new String[0]);
    }

    public SparkRnnEstimator() {
        this(Identifiable.randomUID("sparkrnnEstimator"));
    }

    public static MLReader<SparkRnnEstimator> read() {
        return new SparkRnnEstimatorReader();
    }

    public static SparkRnnEstimator load(String path) {
        return read().load(path);
    }

    @Override
    public MLWriter write() {
        return new SparkRnnEstimatorWriter(this);
    }

    @Override
    public String uid() { return uid; }

    private boolean isClassifier() { return isDefined(labelCol); }

    @Override
    public StructType transformSchema(StructType schema) {
        SchemaChecks.requireString(schema, getInputCol(), "setInputCol");
        if (isClassifier()) {
            SchemaChecks.require(schema, getLabelCol(), "setLabelCol");
            return SchemaChecks.append(schema, new ClassifierColumns("prediction", "probability", "rawPrediction", 1)
                    .fields());
        }
        return SchemaChecks.append(schema, new LanguageModelColumns("bitsPerCharacter", "charactersScored",
                "logLikelihood", WindowMode.CARRY, 1).fields());
    }

    @Override
    public SparkRnnModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        SparkSession spark = dataset.sparkSession();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String input = new Path(runFolder(loadConfig(List.of()), hadoop), INPUT_FOLDER).toString();
        RunConfig config = loadConfig(List.of("task=" + (isClassifier() ? "classify" : "lm"), "data.corpus=" + input));
        FitCorpus.write(dataset, getInputCol(), isClassifier() ? getLabelCol() : null, input);
        try {
            TrainingSummary summary = new TrainingRun(JavaSparkContext.fromSparkContext(spark.sparkContext()), config,
                    false, ConsoleProgress.forStandardOutput(config.get(Options.QUIET))).run();
            SparkRnnModel model = SparkRnnModel.fromCheckpoint(summary.checkpointUri(), hadoop).setParent(this);
            return model.setInputCol(getInputCol());
        } catch (IOException e) {
            throw new UncheckedIOException("training run " + config.get(Options.RUN_ID) + " failed: " + e.getMessage(), e);
        }
    }

    /** The user's settings plus fit's own, which the user's may not contradict. */
    private RunConfig loadConfig(List<String> fitSettings) {
        List<String> overrides = new ArrayList<>(Arrays.asList(getSettings()));
        for (String own : List.of("data.corpus", "task")) {
            if (overrides.stream().anyMatch(s -> s.trim().startsWith(own + "=") || s.trim().startsWith(own + " "))) {
                throw new IllegalArgumentException("setting " + own + " is set by fit (data.corpus: the dataset's rows; "
                        + "task: lm, or classify when labelCol is set); remove it from the settings");
            }
        }
        overrides.addAll(fitSettings);
        return ConfigLoader.load(isDefined(configFile) ? new File(getConfigFile()) : null, overrides);
    }

    private static String runFolder(RunConfig config, Configuration hadoop) {
        try {
            return CheckpointStore.open(config.get(Options.CHECKPOINT_ROOT), config.get(Options.RUN_ID), hadoop,
                    CheckpointPolicy.defaults()).runUri();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint.root " + config.get(Options.CHECKPOINT_ROOT)
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SparkRnnEstimator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public Param<String> inputCol() { return inputCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> configFile() { return configFile; }
    public StringArrayParam settings() { return settings; }

    public String getInputCol() { return $(inputCol); }
    public String getLabelCol() { return $(labelCol); }
    public String getConfigFile() { return $(configFile); }
    public String[] getSettings() { return $(settings); }

    public SparkRnnEstimator setInputCol(String value) { return (SparkRnnEstimator) set(inputCol, value); }
    public SparkRnnEstimator setLabelCol(String value) { return (SparkRnnEstimator) set(labelCol, value); }
    public SparkRnnEstimator setConfigFile(String value) { return (SparkRnnEstimator) set(configFile, value); }
    /** {@code key=value} settings as {@code train --set} takes them, e.g. {@code "model.layers=2"}. */
    public SparkRnnEstimator setSettings(String... value) { return (SparkRnnEstimator) set(settings, value); }
}
