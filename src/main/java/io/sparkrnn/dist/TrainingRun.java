package io.sparkrnn.dist;

import io.sparkrnn.checkpoint.CheckpointPolicy;
import io.sparkrnn.checkpoint.CheckpointRef;
import io.sparkrnn.checkpoint.CheckpointStore;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.metrics.ConsoleProgress;
import io.sparkrnn.metrics.MetricsJournal;
import io.sparkrnn.metrics.MetricsRow;
import io.sparkrnn.metrics.RoundMonitor;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.LossSum;
import io.sparkrnn.train.TextSampler;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * A whole training run, read top to bottom: open the run folder, prepare the corpus, start from scratch or
 * from the last checkpoint, then for each round train, evaluate, record and checkpoint when their triggers
 * fire, and finally show a sample.
 */
public final class TrainingRun {
    private final JavaSparkContext sc;
    private final RunConfig config;
    private final boolean fresh;
    private final ConsoleProgress progress;

    public TrainingRun(JavaSparkContext sc, RunConfig config, boolean fresh, ConsoleProgress progress) {
        this.sc = sc;
        this.config = config;
        this.fresh = fresh;
        this.progress = progress;
    }

    /**
     * Runs the whole training. Every job runs under the run's job group, labelled with its round on the Spark
     * UI's Jobs page; the monitor is detached at the end, also when the run fails.
     */
    public TrainingSummary run() throws IOException {
        try (RoundMonitor monitor = RoundMonitor.attach(sc, config.get(Options.RUN_ID))) {
            return run(monitor);
        }
    }

    private TrainingSummary run(RoundMonitor monitor) throws IOException {
        int replicas = config.get(Options.REPLICAS) > 0 ? config.get(Options.REPLICAS) : sc.defaultParallelism();
        CheckpointStore store = openStore();
        Optional<RunSnapshot> resumed = resumePoint(store);

        monitor.describe("preparing the corpus");
        PreparedCorpus corpus = CorpusPipeline.prepare(sc, config, replicas, resumed.map(RunSnapshot::vocabulary).orElse(null));
        ModelSpec spec = ModelSpec.from(config, corpus.vocabulary().size());
        ComputationGraph graph = resumed.map(RunSnapshot::graph).orElseGet(() -> GraphFactory.build(spec));
        requireSameShape(spec, graph, resumed);
        MasterState state = new MasterState(graph.params().dup(), updaterStateOf(graph).dup(),
                resumed.map(RunSnapshot::round).orElse(0), resumed.map(RunSnapshot::steps).orElse(0L));
        resumed.ifPresent(s -> state.restoreBest(s.bestValidationLoss()));
        OuterOptimizer outer = OuterOptimizer.from(config);
        resumed.ifPresent(s -> outer.restore(s.outerState()));

        TrainSettings settings = TrainSettings.from(config);
        ParameterAveragingMaster master = new ParameterAveragingMaster(sc, spec, settings, outer,
                config.get(Options.MAX_UPDATE_NORM));
        DistributedEvaluator evaluator = new DistributedEvaluator(sc, spec, settings);
        MetricsJournal journal = MetricsJournal.open(store.runUri(), sc.hadoopConfiguration(), state.round());
        int rounds = config.get(Options.ROUNDS);
        RoundTrigger evaluation = new RoundTrigger(config.get(Options.EVAL_EVERY), rounds);
        RoundTrigger checkpoint = new RoundTrigger(config.get(Options.CHECKPOINT_EVERY), rounds);
        announce(spec, corpus, replicas, store, state);

        String lastCheckpoint = resumed.isPresent() ? store.latest().map(CheckpointRef::uri).orElse(null) : null;
        long started = System.nanoTime();
        int firstRound = state.round() + 1;
        while (state.round() < rounds) {
            int round = state.round() + 1;
            monitor.beginRound(round, rounds, journal.last().orElse(null));
            RoundOutcome outcome = Dl4jEngine.selected(config)
                    ? Dl4jEngine.runAllRounds(sc, graph, spec, corpus.train(), settings, replicas, state, rounds)
                    : master.runRound(state, corpus.train());
            LossSum validation = evaluation.firesAt(outcome.round)
                    ? outcome.phases.time("evaluation", () -> evaluator.evaluate(corpus.validation(), state.params()))
                    : null;
            if (validation != null) {
                state.recordValidationLoss(validation.meanLoss());
            }
            if (checkpoint.firesAt(outcome.round)) {
                lastCheckpoint = outcome.phases.time("checkpoint", () -> save(store, graph, state, corpus.vocabulary(),
                        replicas, outer, validation));
            }
            MetricsRow row = RoundRows.of(config, outcome, validation, monitor.endRound(round));
            journal.append(row);
            double elapsed = (System.nanoTime() - started) / 1e9;
            int done = outcome.round - firstRound + 1;
            progress.round(row, rounds, elapsed / done * (rounds - outcome.round));
        }

        String sample = sample(graph, state, corpus.vocabulary());
        corpus.release();
        return new TrainingSummary(store.runUri(), lastCheckpoint, journal.rows(), sample, state);
    }

    private CheckpointStore openStore() {
        try {
            CheckpointStore store = CheckpointStore.open(config.get(Options.CHECKPOINT_ROOT), config.get(Options.RUN_ID),
                    sc.hadoopConfiguration(), new CheckpointPolicy(config.get(Options.CHECKPOINT_KEEP), "750", "640"));
            if (fresh && store.exists()) {
                throw new RunError(ExitCodes.RUN_CONFLICT, "run folder " + store.runUri() + " already holds a run and --fresh "
                        + "was given; choose another run.id, delete the folder, or drop --fresh to resume it");
            }
            store.checkWritable();
            return store;
        } catch (IOException e) {
            throw new RunError(ExitCodes.CHECKPOINT, e.getMessage(), e);
        }
    }

    private Optional<RunSnapshot> resumePoint(CheckpointStore store) throws IOException {
        Optional<CheckpointRef> latest = store.latest();
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        progress.info("resuming " + store.runUri() + " from " + latest.get().uri());
        return Optional.of(SnapshotFiles.read(latest.get()));
    }

    private static void requireSameShape(ModelSpec spec, ComputationGraph graph, Optional<RunSnapshot> resumed) {
        ComputationGraph expected = GraphFactory.build(spec);
        if (resumed.isPresent() && expected.numParams() != graph.numParams()) {
            throw new RunError(ExitCodes.CHECKPOINT, "the checkpoint's model has " + graph.numParams() + " parameters but "
                    + "the config describes " + spec + " with " + expected.numParams() + "; resume with the model.* "
                    + "settings the run started with, or start a new run.id");
        }
    }

    private static INDArray updaterStateOf(ComputationGraph graph) {
        INDArray state = graph.getUpdater().getStateViewArray();
        return state == null ? graph.params().like().reshape(0) : state;
    }

    private String save(CheckpointStore store, ComputationGraph graph, MasterState state, Vocabulary vocabulary,
                        int replicas, OuterOptimizer outer, LossSum validation) {
        graph.setParams(state.params());
        if (state.updaterState().length() > 0) {
            graph.getUpdater().getStateViewArray().assign(state.updaterState());
        }
        graph.getConfiguration().setIterationCount(Math.toIntExact(state.steps()));
        double validationLoss = validation == null ? Double.NaN : validation.meanLoss();
        RunSnapshot snapshot = new RunSnapshot(config, vocabulary, graph, state.round(), state.steps(), replicas,
                state.bestValidationLoss(), validationLoss, outer.state());
        try {
            return store.save(state.round(), validationLoss, SnapshotFiles.contents(snapshot)).uri();
        } catch (IOException e) {
            throw new RunError(ExitCodes.CHECKPOINT, "cannot write checkpoint of round " + state.round() + " to "
                    + store.runUri() + ": " + e.getMessage(), e);
        }
    }

    private String sample(ComputationGraph graph, MasterState state, Vocabulary vocabulary) {
        int length = config.get(Options.SAMPLE_LENGTH);
        if (length == 0) {
            return "";
        }
        graph.setParams(state.params());
        return new TextSampler(graph, vocabulary).sample(config.get(Options.SAMPLE_PROMPT), length,
                config.get(Options.SAMPLE_TEMPERATURE), config.get(Options.SEED));
    }

    private void announce(ModelSpec spec, PreparedCorpus corpus, int replicas, CheckpointStore store, MasterState state) {
        progress.info(String.format(Locale.ROOT, "model: %s, %,d parameters, %.1f MFLOP per trained token",
                spec, GraphFactory.build(spec).numParams(), spec.trainingFlopsPerToken() / 1e6));
        progress.info(String.format(Locale.ROOT, "data: vocabulary %d, %,d training and %,d validation windows of %d, "
                        + "%d replicas, %d steps of %d per round%s",
                corpus.vocabulary().size(), corpus.trainWindows(), corpus.validationWindows(),
                config.get(Options.SEQ_LENGTH), replicas, config.get(Options.AVERAGING_FREQUENCY),
                config.get(Options.BATCH_SIZE),
                corpus.unknownCharacters() > 0 ? ", " + corpus.unknownCharacters() + " characters as <unk>" : ""));
        progress.info("run: " + store.runUri() + (state.round() > 0 ? " (from round " + state.round() + ")" : ""));
    }
}
