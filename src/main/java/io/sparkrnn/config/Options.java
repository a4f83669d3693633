package io.sparkrnn.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.sparkrnn.config.ConfigOption.of;
import static io.sparkrnn.config.ValueType.BOOLEAN;
import static io.sparkrnn.config.ValueType.DOUBLE;
import static io.sparkrnn.config.ValueType.INT;
import static io.sparkrnn.config.ValueType.LONG;
import static io.sparkrnn.config.ValueType.STRING;
import static io.sparkrnn.config.ValueType.STRING_LIST;

/**
 * Every configuration key of spark-rnn, declared once. The configuration reference, docs/CONFIGURATION.md, is generated
 * from this list ({@code sparkrnn train --help-config}), so it cannot drift from the code.
 */
public final class Options {
    private Options() { }

    // ---- run
    public static final ConfigOption<String> RUN_ID = Rules.nonBlank(of("run.id", STRING, "default",
            "Name of the run; its checkpoints and metrics live in <checkpoint.root>/<run.id>."));
    public static final ConfigOption<Long> SEED = of("run.seed", LONG, 42L,
            "Seed for initialisation, data order, dropout and the held-out split. Same seed, data and thread count: same result.");
    public static final ConfigOption<Integer> LOCK_STALE_SECONDS = Rules.atLeast(of("run.lockStaleSeconds", INT, 3600,
            "A run folder's lock whose heartbeat (refreshed every round) is older than this is taken over by a new run; "
                    + "must exceed the longest round with its evaluation and checkpoint, and the corpus preparation. "
                    + "A lock of a dead process on the same host is taken over at once."), 1);

    // ---- task
    public static final ConfigOption<String> TASK = Rules.oneOf(of("task", STRING, "lm",
            "lm: character language model on plain text. classify: sequence classification of corpus lines "
                    + "'label<TAB>text' (see 'Classification')."), "lm", "classify");

    // ---- data
    public static final ConfigOption<List<String>> CORPUS = Rules.nonEmpty(of("data.corpus", STRING_LIST,
            List.of("bundled:moby-dick"),
            "Corpus URIs read by Spark: files, folders or globs on file:// or hdfs:// (any Hadoop file system). "
                    + "'bundled:moby-dick' is the copy shipped inside the jar."));
    public static final ConfigOption<Double> VALIDATION_FRACTION = of("data.validationFraction", DOUBLE, 0.05,
            "Fraction of corpus blocks held out for validation, chosen by a seeded hash of each block's text; never trained on.")
            .allowing("a number > 0 and <= 0.5", v -> v > 0 && v <= 0.5);
    public static final ConfigOption<Integer> BLOCK_SIZE = Rules.atLeast(of("data.blockSize", INT, 8192,
            "Characters per block for the held-out split; windows never cross a block boundary."), 16);
    public static final ConfigOption<Integer> MIN_CHAR_COUNT = Rules.atLeast(of("data.minCharCount", INT, 1,
            "Characters seen fewer times than this in the corpus map to <unk>."), 1);

    // ---- model
    public static final ConfigOption<String> CELL = Rules.oneOf(of("model.cell", STRING, "lstm",
            "Recurrent cell of every layer."), "lstm", "gru", "rnn");
    public static final ConfigOption<Integer> LAYERS = Rules.between(of("model.layers", INT, 3,
            "Number of stacked recurrent layers."), 1, 16);
    public static final ConfigOption<Integer> HIDDEN_SIZE = Rules.atLeast(of("model.hiddenSize", INT, 256,
            "Units per recurrent layer."), 1);
    public static final ConfigOption<Integer> EMBEDDING_SIZE = Rules.atLeast(of("model.embeddingSize", INT, 64,
            "Size of the character embedding."), 1);
    public static final ConfigOption<String> CONNECTIONS = Rules.oneOf(of("model.connections", STRING, "none",
            "How layers are joined: none (plain stack), residual (each layer's output plus its input, projected "
                    + "where sizes differ), dense (each layer sees the embedding and every earlier layer; the "
                    + "softmax sees every layer), highway (a learned gate T mixes each layer's output and its input: "
                    + "T * output + (1 - T) * input, the input projected where sizes differ)."),
            "none", "residual", "dense", "highway");
    public static final ConfigOption<Double> DROPOUT = Rules.fraction(of("model.dropout", DOUBLE, 0.0,
            "Probability of dropping each input of a recurrent layer during training (0 = off)."), true);
    public static final ConfigOption<Integer> SEQ_LENGTH = Rules.atLeast(of("model.seqLength", INT, 64,
            "Characters per training window (backpropagation through time length); with task = classify, the length "
                    + "every line's text is truncated or padded (masked) to."), 2);
    public static final ConfigOption<Boolean> BIDIRECTIONAL = of("model.bidirectional", BOOLEAN, false,
            "Each recurrent layer also reads the sequence backwards (DL4J Bidirectional). Only for task = classify: "
                    + "a bidirectional language model would see the characters it must predict.");
    public static final ConfigOption<String> BIDIRECTIONAL_MERGE = Rules.oneOf(of("model.bidirectionalMerge", STRING,
            "concat", "How a bidirectional layer merges its two directions: concat (output twice model.hiddenSize) "
                    + "or add."), "concat", "add");
    public static final ConfigOption<Double> LSTM_FORGET_BIAS = of("model.lstmForgetBias", DOUBLE, 1.0,
            "Initial forget-gate bias of lstm layers (DL4J's default 1.0); larger keeps the cell state, and its "
                    + "gradient, over longer distances early in training.")
            .allowing("a finite number", Double::isFinite);
    public static final ConfigOption<Double> HIGHWAY_GATE_BIAS = of("model.highwayGateBias", DOUBLE, -2.0,
            "Initial bias of the transform gate of model.connections = highway; negative (sigmoid(-2) = 0.12) makes "
                    + "each layer start by carrying its input through, so a deep stack starts shallow.")
            .allowing("a finite number", Double::isFinite);
    public static final ConfigOption<String> POOLING = Rules.oneOf(of("model.pooling", STRING, "last",
            "task = classify: how the encoder's outputs over a line become one vector for the label softmax: last "
                    + "(output at the line's last character; bidirectional: at its last and its first) or mean (average over its characters)."), "last", "mean");

    // ---- local training (one replica)
    public static final ConfigOption<Integer> BATCH_SIZE = Rules.atLeast(of("train.batchSize", INT, 32,
            "Windows per minibatch on each replica."), 1);
    public static final ConfigOption<String> UPDATER = Rules.oneOf(of("train.updater", STRING, "adam",
            "Replica optimizer."), "adam", "sgd", "nesterov");
    public static final ConfigOption<Double> LEARNING_RATE = Rules.positive(of("train.learningRate", DOUBLE, 2e-3,
            "Replica learning rate."));
    public static final ConfigOption<Double> MOMENTUM = Rules.fraction(of("train.momentum", DOUBLE, 0.9,
            "Momentum of the nesterov replica optimizer."), true);
    public static final ConfigOption<Double> MAX_GRAD_NORM = Rules.positive(of("train.maxGradNorm", DOUBLE, 1.0,
            "L2 norm limit of each local step's gradient (mean over tokens), on all parameters as one vector or per layer as train.clipping says."));
    public static final ConfigOption<String> CLIPPING = Rules.oneOf(of("train.clipping", STRING, "global",
            "How train.maxGradNorm limits each local step's gradient: global (one factor for all parameters, keeping "
                    + "the gradient's direction), perLayer (DL4J's ClipL2PerLayer: each layer's gradient on its own) "
                    + "or none (no limit; for the exploding-gradient experiment)."), "global", "perLayer", "none");
    public static final ConfigOption<Integer> ROUNDS = Rules.atLeast(of("train.rounds", INT, 60,
            "Averaging rounds to train (in total, counting rounds before a resume)."), 1);
    public static final ConfigOption<Integer> AVERAGING_FREQUENCY = Rules.atLeast(of("train.averagingFrequency", INT, 8,
            "Local steps each replica takes between two averagings."), 1);
    public static final ConfigOption<Integer> AVERAGING_FREQUENCY_START = Rules.atLeast(of(
            "train.averagingFrequencyStart", INT, 0,
            "Local steps between averagings at the start of training (0 = train.averagingFrequency throughout); the "
                    + "frequency moves linearly from it to train.averagingFrequency over train.averagingRampSteps local "
                    + "steps. 1 averages every step early (post-local SGD); a value above train.averagingFrequency "
                    + "averages rarely early and more often later (AdaComm-style)."), 0);
    public static final ConfigOption<Integer> AVERAGING_RAMP_STEPS = Rules.atLeast(of("train.averagingRampSteps", INT, 0,
            "Local steps over which the averaging frequency moves from train.averagingFrequencyStart to "
                    + "train.averagingFrequency (0 = no ramp)."), 0);
    public static final ConfigOption<String> LR_SCALING = Rules.oneOf(of("train.lrScaling", STRING, "none",
            "How the replica learning rate grows with the number of replicas R: none, sqrt (train.learningRate x "
                    + "sqrt(R)) or linear (x R); the averaged update of R replicas is about as long as one replica's, "
                    + "so more replicas take steps no longer than one, on R times the tokens."), "none", "sqrt", "linear");
    public static final ConfigOption<String> BATCH_SCALING = Rules.oneOf(of("train.batchScaling", STRING, "none",
            "How each replica's minibatch follows the number of replicas R: none (every replica trains on "
                    + "train.batchSize windows per local step) or divide (on train.batchSize / R, rounded up, so that R "
                    + "replicas together take steps of train.batchSize windows, as one replica does)."), "none", "divide");
    public static final ConfigOption<Integer> WARMUP_STEPS = Rules.atLeast(of("train.warmupSteps", INT, 0,
            "Linear warm-up of the replica learning rate: a round ending after s local steps trains at min(1, s / "
                    + "warmupSteps) of it (0 = no warm-up)."), 0);
    public static final ConfigOption<Integer> NON_FINITE_RETRIES = Rules.atLeast(of("train.nonFiniteRetries", INT, 3,
            "Times a round in which every replica went non-finite is retried from the same parameters, each time at a "
                    + "lower learning rate, before the run stops with exit code 6."), 0);
    public static final ConfigOption<Double> NON_FINITE_LR_FACTOR = of("train.nonFiniteLrFactor", DOUBLE, 0.5,
            "Factor applied to the replicas' learning rate at each such retry; the lowered rate stays for the rest of the run, and is saved in its checkpoints for a resume.")
            .allowing("a number > 0 and < 1", v -> v > 0 && v < 1);
    public static final ConfigOption<String> ENGINE = Rules.oneOf(of("train.engine", STRING, "sparkrnn",
            "sparkrnn: our parameter-averaging master. dl4j: DL4J's ParameterAveragingTrainingMaster on the same "
                    + "model and data, for comparison (no global clipping: DL4J clips per layer only; only in builds "
                    + "with the Maven profile dl4j-spark)."),
            "sparkrnn", "dl4j");

    // ---- master
    public static final ConfigOption<Integer> REPLICAS = Rules.atLeast(of("master.replicas", INT, 0,
            "Model replicas, one per Spark task; 0 = the cluster's task slots (executors x concurrent tasks each; "
                    + "with GPU scheduling, the GPUs)."), 0);
    public static final ConfigOption<String> OUTER = Rules.oneOf(of("master.outer", STRING, "average",
            "How the averaged update is applied: average (theta + u, plain parameter averaging) or nesterov "
                    + "(outer learning rate and momentum, as in DiLoCo)."), "average", "nesterov");
    public static final ConfigOption<Double> OUTER_LEARNING_RATE = Rules.positive(of("master.outerLearningRate", DOUBLE, 0.7,
            "Outer learning rate of master.outer = nesterov."));
    public static final ConfigOption<Double> OUTER_MOMENTUM = Rules.fraction(of("master.outerMomentum", DOUBLE, 0.9,
            "Outer momentum of master.outer = nesterov."), true);
    public static final ConfigOption<Double> MAX_UPDATE_NORM = Rules.positive(of("master.maxUpdateNorm", DOUBLE, 1.0e6,
            "Global L2 norm limit of the averaged update u before it is applied."));
    public static final ConfigOption<String> OPTIMIZER_STATE = Rules.oneOf(of("master.optimizerState", STRING, "average",
            "The replicas' optimizer moments (Adam's m and v): average (every round each replica sends its moments "
                    + "with its update and starts the next round from their average) or local (each replica keeps its "
                    + "own on its executor, as in DiLoCo; they are averaged only in checkpoint rounds, so that a "
                    + "checkpoint resumes exactly). See docs/SCALING.md."), "average", "local");
    public static final ConfigOption<String> DELTA_PRECISION = Rules.oneOf(of("master.deltaPrecision", STRING, "float32",
            "Number format of the parameter updates the replicas send for averaging: float32 (4 bytes per "
                    + "parameter, exact), bfloat16 or float16 (2 bytes, rounded to nearest even; summed in float32)."),
            "float32", "bfloat16", "float16");
    public static final ConfigOption<Integer> AGGREGATION_SLICES = Rules.atLeast(of("master.aggregationSlices", INT, 0,
            "Contiguous slices the replicas' updates are cut into for the shuffle that sums them: one reduce task per "
                    + "slice. 0 = automatic: one per replica, at most 200 and none under 65,536 values."), 0);

    // ---- evaluation
    public static final ConfigOption<Integer> EVAL_EVERY = Rules.atLeast(of("eval.everyRounds", INT, 5,
            "Validate every this many rounds (and after the last)."), 1);
    public static final ConfigOption<Integer> EVAL_MAX_WINDOWS = Rules.atLeast(of("eval.maxWindows", INT, 2048,
            "Upper bound on validation windows per evaluation (taken in a fixed order)."), 1);

    // ---- checkpoints
    public static final ConfigOption<String> CHECKPOINT_ROOT = Rules.nonBlank(of("checkpoint.root", STRING, "runs",
            "Where runs are kept: a Hadoop URI or path (file://, hdfs://, or relative to the working directory)."));
    public static final ConfigOption<Integer> CHECKPOINT_EVERY = Rules.atLeast(of("checkpoint.everyRounds", INT, 20,
            "Checkpoint every this many rounds (and after the last)."), 1);
    public static final ConfigOption<Integer> CHECKPOINT_KEEP = Rules.atLeast(of("checkpoint.keep", INT, 3,
            "Newest checkpoints kept, besides the best by validation loss."), 1);
    public static final ConfigOption<String> CHECKPOINT_DIR_PERMISSION = Rules.octalPermission(of(
            "checkpoint.dirPermission", STRING, "750",
            "Permission of the run and checkpoint folders spark-rnn creates, octal as in chmod (750: the group "
                    + "may read, others nothing). Set explicitly, so the umask cannot widen it."), 7, "rwx");
    public static final ConfigOption<String> CHECKPOINT_FILE_PERMISSION = Rules.octalPermission(of(
            "checkpoint.filePermission", STRING, "640",
            "Permission of checkpoint and metrics files, octal as in chmod."), 6, "rw");

    // ---- sampling shown at the end of training
    public static final ConfigOption<Integer> SAMPLE_LENGTH = Rules.atLeast(of("sample.length", INT, 300,
            "Characters of text generated after training (0 = none)."), 0);
    public static final ConfigOption<Double> SAMPLE_TEMPERATURE = Rules.positive(of("sample.temperature", DOUBLE, 0.8,
            "Softmax temperature for sampling: lower is more conservative."));
    public static final ConfigOption<String> SAMPLE_PROMPT = of("sample.prompt", STRING, "The ",
            "Text the sample starts from.");

    // ---- console
    public static final ConfigOption<Boolean> QUIET = of("log.quiet", BOOLEAN, false,
            "Print only warnings and the final summary (for pipelines).");

    private static final Map<String, ConfigOption<?>> ALL = collect();

    /** All options, keyed by their dotted key, in declaration order. */
    public static Map<String, ConfigOption<?>> all() { return ALL; }

    private static Map<String, ConfigOption<?>> collect() {
        Map<String, ConfigOption<?>> options = new LinkedHashMap<>();
        for (Field field : Options.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                try {
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    if (options.put(option.key(), option) != null) {
                        throw new IllegalStateException("config key declared twice: " + option.key());
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Collections.unmodifiableMap(options);
    }

    static List<String> keys() { return new ArrayList<>(ALL.keySet()); }
}
