package io.sparkrnn.dist;

import io.sparkrnn.checkpoint.CheckpointPolicy;
import io.sparkrnn.checkpoint.CheckpointRef;
import io.sparkrnn.checkpoint.CheckpointStore;
import io.sparkrnn.checkpoint.RunLock;
import io.sparkrnn.checkpoint.RunLockConflict;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.metrics.ConsoleProgress;
import io.sparkrnn.metrics.MetricsJournal;
import io.sparkrnn.metrics.MetricsRow;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.LossSum;
import io.sparkrnn.train.TextSampler;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.time.Duration;
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

    public TrainingSummary run() throws IOException {
        CheckpointStore store = openStore();
        try (RunLock lock = lock(store)) {
            return train(store, lock);
        }
    }

    private TrainingSummary train(CheckpointStore store, RunLock lock) throws IOException {
        int replicas = config.get(Options.REPLICAS) > 0 ? config.get(Options.REPLICAS) : sc.defaultParallelism();
        Optional<RunSnapshot> resumed = resumePoint(store);

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
        NonFiniteRetries master = new NonFiniteRetries(new ParameterAveragingMaster(sc, spec, settings, outer,
                config.get(Options.MAX_UPDATE_NORM)), config);
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
            heartbeat(lock);
            describeJobs(state.round() + 1, rounds);
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
            MetricsRow row = RoundRows.of(config, outcome, validation);
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

    private RunLock lock(CheckpointStore store) {
        try {
            return RunLock.acquire(store, Duration.ofSeconds(config.get(Options.LOCK_STALE_SECONDS)));
        } catch (RunLockConflict e) {
            throw new RunError(ExitCodes.RUN_CONFLICT, e.getMessage(), e);
        } catch (IOException e) {
            throw new RunError(ExitCodes.CHECKPOINT, "cannot take the lock of run folder " + store.runUri() + ": " + e.getMessage(), e);
        }
    }

    private static void heartbeat(RunLock lock) {
        try {
            lock.heartbeat();
        } catch (IOException e) {
            throw new RunError(ExitCodes.RUN_CONFLICT, e.getMessage(), e);
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
        return state == null ? Nd4j.createFromArray(new float[0]) : state;
    }

    private String save(CheckpointStore store, ComputationGraph graph, MasterState state, Vocabulary vocabulary,
                        int replicas, OuterOptimizer outer, LossSum validation) {
        FiniteCheck.require(state.params(), "parameters of round " + state.round());
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

    private void describeJobs(int round, int rounds) {
        sc.setJobGroup("spark-rnn " + config.get(Options.RUN_ID),
                String.format(Locale.ROOT, "spark-rnn %s · round %d/%d", config.get(Options.RUN_ID), round, rounds), false);
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
