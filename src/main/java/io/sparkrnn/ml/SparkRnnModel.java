package io.sparkrnn.ml;

import io.sparkrnn.dist.DeviceBinder;
import io.sparkrnn.dist.Nd4jDeviceBinder;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.List;

/**
 * A trained spark-rnn model as a Spark ML {@link Model}: {@code transform} reads a text column and adds, for a
 * language model, each line's bits per character, characters scored and log-likelihood, and for a classifier the
 * predicted label, the probability vector over labels.json's labels and its logs (rawPrediction). Nulls and
 * empty strings give documented results (docs/SCORING.md), never an exception.
 * <p>
 * The parameters are broadcast once per Spark context, each executor thread scores with its own pooled network
 * (built once, forward passes only), many lines per pass, bound to its GPU as a training replica is. Saved with
 * {@link #write()} (a copy of the checkpoint, so the saved model does not depend on the run folder) and loaded with
 * {@link #load}, also inside a {@link org.apache.spark.ml.Pipeline}.
 * <pre>
 * SparkRnnModel model = SparkRnnModel.fromCheckpoint("hdfs:///runs/nightly");   // ckpt-N, run or production folder
 * Dataset&lt;Row&gt; scored = model.setInputCol("body").transform(documents);
 * </pre>
 */
public final class SparkRnnModel extends Model<SparkRnnModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    /** Lines read, sorted by length and scored together per chunk of a partition: several forward passes. */
    private static final int CHUNK_BATCHES = 8;

    private final String uid;
    private final ModelBroadcast shared;
    private transient DeviceBinder deviceBinder = new Nd4jDeviceBinder();

    private final Param<String> inputCol;
    private final IntParam batchSize;
    private final Param<String> bitsPerCharacterCol;
    private final Param<String> charactersCol;
    private final Param<String> logLikelihoodCol;
    private final Param<String> windows;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    SparkRnnModel(String uid, ModelBroadcast shared) {
        this.uid = uid;
        this.shared = shared;
        inputCol = new Param<>(this, "inputCol", "column of the text to score, one example per row (string)");
        batchSize = new IntParam(this, "batchSize", "lines per forward pass (>= 1)", ParamValidators.gtEq(1));
        bitsPerCharacterCol = new Param<>(this, "bitsPerCharacterCol",
                "language model: output column of each line's bits per character (null with fewer than 2 characters)");
        charactersCol = new Param<>(this, "charactersCol",
                "language model: output column of the characters scored (all but the first)");
        logLikelihoodCol = new Param<>(this, "logLikelihoodCol",
                "language model: output column of the line's log-likelihood in nats");
        windows = new Param<>(this, "windows", "language model, lines longer than model.seqLength: carry (the "
                + "state flows from window to window, the whole line is one sequence) or independent (each window "
                + "from a zero state, as evaluate)", ParamValidators.inArray(new String[] {"carry", "independent"}));
        predictionCol = new Param<>(this, "predictionCol", "classifier: output column of the predicted label");
        probabilityCol = new Param<>(this, "probabilityCol",
                "classifier: output column of the probability vector, in labels.json's label order");
        rawPredictionCol = new Param<>(this, "rawPredictionCol",
                "classifier: output column of ln(probability), the logits up to a constant per line");
        setDefault(inputCol, "text");
        setDefault(batchSize, 128);
        setDefault(bitsPerCharacterCol, "bitsPerCharacter");
        setDefault(charactersCol, "charactersScored");
        setDefault(logLikelihoodCol, "logLikelihood");
        setDefault(windows, WindowMode.CARRY.value());
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    /** The model of a checkpoint: a ckpt-N folder, a run folder (its latest complete checkpoint) or a production folder. */
    public static SparkRnnModel fromCheckpoint(String uri, Configuration hadoopConf) throws IOException {
        return of(ScoringModel.load(uri, hadoopConf));
    }

    /** As {@link #fromCheckpoint(String, Configuration)} with the active Spark session's Hadoop settings. */
    public static SparkRnnModel fromCheckpoint(String uri) throws IOException {
        return fromCheckpoint(uri, SparkSession.active().sparkContext().hadoopConfiguration());
    }

    static SparkRnnModel of(ScoringModel model) {
        return new SparkRnnModel(Identifiable.randomUID("sparkrnn"), new ModelBroadcast(model));
    }

    public static MLReader<SparkRnnModel> read() {
        return new SparkRnnModelReader();
    }

    /** Loads a model saved with {@code write().save(path)} (not a checkpoint: see {@link #fromCheckpoint}). */
    public static SparkRnnModel load(String path) {
        return read().load(path);
    }

    @Override
    public MLWriter write() {
        return new SparkRnnModelWriter(this);
    }

    @Override
    public String uid() { return uid; }

    /** The checkpoint folder the parameters were read from. */
    public String checkpoint() { return shared.model().checkpoint(); }

    public boolean isClassifier() { return shared.model().isClassifier(); }

    /** A classifier's labels, in the order of the probability vector; empty for a language model. */
    public List<String> labels() {
        return isClassifier() ? shared.model().labels().names() : List.of();
    }

    /** What the model is and where it comes from. */
    public String describe() { return shared.model().toString(); }

    ScoringModel scoringModel() { return shared.model(); }

    /** Binds executor threads to their GPU another way than ND4J's own (tests on machines without GPUs). */
    public SparkRnnModel withDeviceBinder(DeviceBinder binder) {
        this.deviceBinder = binder;
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        SchemaChecks.requireString(schema, getInputCol(), "setInputCol");
        return SchemaChecks.append(schema, columns().fields());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> rows = dataset.toDF();
        int text = rows.schema().fieldIndex(getInputCol());
        Broadcast<ScoringModel> model = shared.on(rows.sparkSession().sparkContext());
        DeviceBinder binder = deviceBinder == null ? new Nd4jDeviceBinder() : deviceBinder;
        return rows.mapPartitions(new ScorePartitions(model, columns(), text, CHUNK_BATCHES * getBatchSize(), binder),
                Encoders.row(out));
    }

    private OutputColumns columns() {
        if (isClassifier()) {
            return new ClassifierColumns(getPredictionCol(), getProbabilityCol(), getRawPredictionCol(), getBatchSize());
        }
        return new LanguageModelColumns(getBitsPerCharacterCol(), getCharactersCol(), getLogLikelihoodCol(),
                WindowMode.parse(getWindows()), getBatchSize());
    }

    @Override
    public SparkRnnModel copy(ParamMap extra) {
        SparkRnnModel copied = copyValues(new SparkRnnModel(uid, shared), extra);
        copied.deviceBinder = deviceBinder;
        return hasParent() ? copied.setParent(parent()) : copied;
    }

    public Param<String> inputCol() { return inputCol; }
    public IntParam batchSize() { return batchSize; }
    public Param<String> bitsPerCharacterCol() { return bitsPerCharacterCol; }
    public Param<String> charactersCol() { return charactersCol; }
    public Param<String> logLikelihoodCol() { return logLikelihoodCol; }
    public Param<String> windows() { return windows; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> rawPredictionCol() { return rawPredictionCol; }

    public String getInputCol() { return $(inputCol); }
    public int getBatchSize() { return (Integer) $(batchSize); }
    public String getBitsPerCharacterCol() { return $(bitsPerCharacterCol); }
    public String getCharactersCol() { return $(charactersCol); }
    public String getLogLikelihoodCol() { return $(logLikelihoodCol); }
    public String getWindows() { return $(windows); }
    public String getPredictionCol() { return $(predictionCol); }
    public String getProbabilityCol() { return $(probabilityCol); }
    public String getRawPredictionCol() { return $(rawPredictionCol); }

    public SparkRnnModel setInputCol(String value) { return (SparkRnnModel) set(inputCol, value); }
    public SparkRnnModel setBatchSize(int value) { return (SparkRnnModel) set(batchSize, value); }
    public SparkRnnModel setBitsPerCharacterCol(String value) { return (SparkRnnModel) set(bitsPerCharacterCol, value); }
    public SparkRnnModel setCharactersCol(String value) { return (SparkRnnModel) set(charactersCol, value); }
    public SparkRnnModel setLogLikelihoodCol(String value) { return (SparkRnnModel) set(logLikelihoodCol, value); }
    /** "carry" or "independent"; see {@link WindowMode}. */
    public SparkRnnModel setWindows(String value) { return (SparkRnnModel) set(windows, value); }
    public SparkRnnModel setPredictionCol(String value) { return (SparkRnnModel) set(predictionCol, value); }
    public SparkRnnModel setProbabilityCol(String value) { return (SparkRnnModel) set(probabilityCol, value); }
    public SparkRnnModel setRawPredictionCol(String value) { return (SparkRnnModel) set(rawPredictionCol, value); }
}
