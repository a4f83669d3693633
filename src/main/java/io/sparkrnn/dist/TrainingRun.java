package io.sparkrnn.dist;

import io.sparkrnn.checkpoint.CheckpointPolicy;
import io.sparkrnn.checkpoint.CheckpointRef;
import io.sparkrnn.checkpoint.CheckpointStore;
import io.sparkrnn.checkpoint.RunLock;
import io.sparkrnn.checkpoint.RunLockConflict;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.metrics.ConsoleProgress;
import io.sparkrnn.metrics.MetricsJournal;
import io.sparkrnn.metrics.MetricsRow;
import io.sparkrnn.metrics.RoundMonitor;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.Validation;
import io.sparkrnn.train.TextSampler;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A whole training run, read top to bottom: open the run folder, decide where training starts (from scratch,
 * the run's last checkpoint, or another run's checkpoint), prepare the corpus and the model, then for each
 * round train, evaluate, record and checkpoint when their triggers fire, and finally show a sample.
 */
public final class TrainingRun {
    private final JavaSparkContext sc;
    private final RunConfig config;
    private final boolean fresh;
    private final String initFrom;
    private final ConsoleProgress progress;
    private final DeviceBinder deviceBinder;
    private final RunTask task;
    /** train.engine = dl4j's engine, or null for ours; resolved first, so a build without it fails before any work. */
    private final AllRoundsEngine comparison;
    private boolean requireCheckpoint;
    private Consumer<ComputationGraph> initialisation = graph -> { };

    public TrainingRun(JavaSparkContext sc, RunConfig config, boolean fresh, ConsoleProgress progress) {
        this(sc, config, fresh, null, progress);
    }

    /**
     * @param fresh refuse a run folder that already holds a run
     * @param initFrom checkpoint or run URI to warm-start a new run from, or null
     */
    public TrainingRun(JavaSparkContext sc, RunConfig config, boolean fresh, String initFrom, ConsoleProgress progress) {
        this(sc, config, fresh, initFrom, progress, new Nd4jDeviceBinder());
    }

    /** With another way to bind replicas to their GPUs than ND4J's own (tests on machines without GPUs). */
    public TrainingRun(JavaSparkContext sc, RunConfig config, boolean fresh, String initFrom, ConsoleProgress progress,
                       DeviceBinder deviceBinder) {
        this.sc = sc;
        this.config = config;
        this.fresh = fresh;
        this.initFrom = initFrom == null ? null : new Path(initFrom).toString();
        this.progress = progress;
        this.deviceBinder = deviceBinder;
        this.task = RunTask.of(config);
        this.comparison = Dl4jComparison.selected(config);
    }

    /**
     * Runs the whole training. Every job runs under the run's job group, labelled with its round on the Spark
     * UI's Jobs page; the monitor is detached at the end, also when the run fails.
     */
    /** With true, a run folder without a complete checkpoint is an error instead of a new run (train --resume). */
    public TrainingRun requireCheckpoint(boolean required) {
        this.requireCheckpoint = required;
        return this;
    }

    /**
     * Changes the freshly initialised parameters of a run started from scratch (resumes and warm starts keep
     * theirs); the experiments use it to start a vanilla RNN with large recurrent weights.
     */
    public TrainingRun initialisedBy(Consumer<ComputationGraph> change) {
        this.initialisation = change;
        return this;
    }

    public TrainingSummary run() throws IOException {
        CheckpointStore store = openStore();
        try (RunLock lock = lock(store); RoundMonitor monitor = RoundMonitor.attach(sc, config.get(Options.RUN_ID))) {
            return train(store, lock, monitor);
        }
    }

    private TrainingSummary train(CheckpointStore store, RunLock lock, RoundMonitor monitor) throws IOException {
        StartingPoint start = startingPoint(store);
        progress.info(start.describe(store.runUri()));
        monitor.describe("preparing the corpus");
        Session run = prepare(store, start);
        announce(run);
        String lastCheckpoint = trainRounds(run, lock, monitor);
        String sample = sample(run);
        run.corpus.release();
        return new TrainingSummary(store.runUri(), lastCheckpoint, run.journal.rows(), sample, run.state);
    }

    /** The run folder, checked writable now rather than at the first checkpoint, hours into training. */
    private CheckpointStore openStore() {
        try {
            CheckpointStore store = CheckpointStore.open(config.get(Options.CHECKPOINT_ROOT), config.get(Options.RUN_ID),
                    sc.hadoopConfiguration(), policy());
            store.checkWritable();
            if (fresh && store.exists()) {
                throw new RunError(ExitCodes.RUN_CONFLICT, "run folder " + store.runUri() + " already holds a run and --fresh "
                        + "was given; choose another run.id, delete the folder, or drop --fresh to resume it");
            }
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

    private CheckpointPolicy policy() {
        return new CheckpointPolicy(config.get(Options.CHECKPOINT_KEEP), config.get(Options.CHECKPOINT_DIR_PERMISSION),
                config.get(Options.CHECKPOINT_FILE_PERMISSION));
    }

    /** The run's own latest checkpoint if it has one, else the --init-from checkpoint, else scratch. */
    private StartingPoint startingPoint(CheckpointStore store) throws IOException {
        Optional<CheckpointRef> latest = store.latest();
        if (latest.isPresent()) {
            RunSnapshot own = SnapshotFiles.read(latest.get());
            requireSameWarmStart(own, store);
            return StartingPoint.resume(own, latest.get().uri());
        }
        if (requireCheckpoint) {
            throw new RunError(ExitCodes.CHECKPOINT, "--resume was given but run folder " + store.runUri() + " holds no "
                    + "complete checkpoint to resume; check checkpoint.root and run.id, or drop --resume to start the run");
        }
        if (initFrom == null) {
            return StartingPoint.fresh();
        }
        CheckpointRef source = CheckpointRef.resolve(initFrom, sc.hadoopConfiguration());
        RunSnapshot snapshot = SnapshotFiles.read(source);
        return StartingPoint.warmStart(snapshot, new WarmStart(initFrom, source.uri(), snapshot.round()));
    }

    /**
     * With --init-from, an existing run is only resumed if it was warm-started from that same URI: then running
     * the same command again after a crash continues the run. Anything else would silently ignore --init-from.
     */
    private void requireSameWarmStart(RunSnapshot own, CheckpointStore store) {
        if (initFrom == null) {
            return;
        }
        WarmStart recorded = own.warmStart();
        if (recorded != null && recorded.uri().equals(initFrom)) {
            progress.info("the run was warm-started from " + initFrom + " before; resuming it");
            return;
        }
        throw new RunError(ExitCodes.RUN_CONFLICT, "run folder " + store.runUri() + " already holds a run started "
                + (recorded == null ? "from scratch" : "from " + recorded.uri()) + ", and --init-from " + initFrom
                + " only starts new runs; choose a new run.id, or drop --init-from to resume the run");
    }

    /** Corpus, model, driver state and the objects every round uses. */
    private Session prepare(CheckpointStore store, StartingPoint start) throws IOException {
        int replicas = TaskSlots.replicas(config, sc);
        start.requireFits(config, replicas).forEach(warning -> progress.summary("warning: " + warning));
        PreparedCorpus corpus = task.prepare(sc, config, replicas, start.vocabulary(), start.labels());
        start.requireSameVocabulary(corpus);
        ModelSpec spec = task.spec(config, corpus.vocabulary(), corpus.labels());
        ComputationGraph graph = GraphFactory.build(spec);
        if (start.fromScratch()) {
            initialisation.accept(graph);
        }
        MasterState state = start.restoreInto(graph);
        MetricsJournal journal = MetricsJournal.open(store.runUri(), sc.hadoopConfiguration(), state.round(),
                policy().filePermission());
        return new Session(store, start, corpus, replicas, spec, graph, state, start.outerOptimizer(config), journal);
    }

    /** The round loop; returns the last checkpoint written (or resumed from). */
    private String trainRounds(Session run, RunLock lock, RoundMonitor monitor) {
        TrainSettings settings = TrainSettings.from(config, deviceBinder);
        TrainSettings replicaSettings = settings.withBatchSize(ReplicaBatch.size(config, run.replicas));
        NonFiniteRetries master = new NonFiniteRetries(new ParameterAveragingMaster(sc, task, run.spec, replicaSettings, run.outer,
                config.get(Options.MAX_UPDATE_NORM)), config, run.replicas);
        DistributedEvaluator evaluator = new DistributedEvaluator(sc, task, run.spec, settings);
        int rounds = config.get(Options.ROUNDS);
        RoundTrigger evaluation = new RoundTrigger(config.get(Options.EVAL_EVERY), rounds);
        RoundTrigger checkpoint = new RoundTrigger(config.get(Options.CHECKPOINT_EVERY), rounds);

        String lastCheckpoint = run.start.resumedCheckpoint();
        long started = System.nanoTime();
        int firstRound = run.state.round() + 1;
        while (run.state.round() < rounds) {
            int round = run.state.round() + 1;
            heartbeat(lock);
            monitor.beginRound(round, rounds, run.journal.last().orElse(null));
            RoundOutcome outcome = comparison != null
                    ? comparison.runAllRounds(sc, run.graph, run.spec, run.corpus.train(), settings, run.replicas, run.state, rounds)
                    : master.runRound(run.state, run.corpus.train());
            Validation validation = evaluation.firesAt(outcome.round)
                    ? outcome.phases.time("evaluation", () -> evaluator.evaluate(run.corpus.validation(), run.state.params()))
                    : null;
            if (validation != null) {
                run.state.recordValidationLoss(validation.loss().meanLoss());
            }
            if (checkpoint.firesAt(outcome.round)) {
                lastCheckpoint = outcome.phases.time("checkpoint", () -> save(run, validation));
            }
            MetricsRow row = RoundRows.of(config, outcome, validation, run.corpus.unknownCharacters(),
                    monitor.endRound(round));
            record(run, row);
            double elapsed = (System.nanoTime() - started) / 1e9;
            int done = outcome.round - firstRound + 1;
            progress.round(row, rounds, elapsed / done * (rounds - outcome.round));
        }
        return lastCheckpoint;
    }

    /**
     * A metrics journal that cannot be written (a full or read-only location) stops the run like a checkpoint that
     * cannot: the location is the same, and training on blind would only end at the next checkpoint anyway.
     */
    private static void record(Session run, MetricsRow row) {
        try {
            run.journal.append(row);
        } catch (UncheckedIOException e) {
            throw new RunError(ExitCodes.CHECKPOINT, e.getMessage() + "; free space in (or fix the permissions of) "
                    + run.store.runUri() + " and run the same command again to resume from the last checkpoint", e);
        }
    }

    private String save(Session run, Validation validation) {
        MasterState state = run.state;
        FiniteCheck.require(state.params(), "parameters of round " + state.round());
        run.graph.setParams(state.params());
        if (state.updaterState().length() > 0) {
            run.graph.getUpdater().getStateViewArray().assign(state.updaterState());
        }
        run.graph.getConfiguration().setIterationCount(Math.toIntExact(state.steps()));
        double validationLoss = validation == null ? Double.NaN : validation.loss().meanLoss();
        TrainingPosition position = new TrainingPosition(state.round(), state.steps(), run.replicas,
                state.bestValidationLoss(), validationLoss, state.loweredLearningRate());
        RunSnapshot snapshot = new RunSnapshot(config, run.corpus.vocabulary(), run.graph, position, run.outer.state(),
                run.start.warmStartRecord(), run.corpus.unknownCharacters(), run.corpus.labels());
        try {
            return run.store.save(state.round(), validationLoss, SnapshotFiles.contents(snapshot)).uri();
        } catch (IOException e) {
            throw new RunError(ExitCodes.CHECKPOINT, "cannot write checkpoint of round " + state.round() + " to "
                    + run.store.runUri() + ": " + e.getMessage(), e);
        }
    }

    private String sample(Session run) {
        int length = config.get(Options.SAMPLE_LENGTH);
        if (length == 0 || run.spec.isClassifier()) { // a classifier has no characters to sample
            return "";
        }
        run.graph.setParams(run.state.params());
        return new TextSampler(run.graph, run.corpus.vocabulary()).sample(config.get(Options.SAMPLE_PROMPT), length,
                config.get(Options.SAMPLE_TEMPERATURE), config.get(Options.SEED));
    }

    private void announce(Session run) {
        progress.info(String.format(Locale.ROOT, "model: %s, %,d parameters, %.1f MFLOP per trained token",
                run.spec, run.graph.numParams(), run.spec.trainingFlopsPerToken() / 1e6));
        String examples = run.spec.isClassifier() ? "lines (cut to " + config.get(Options.SEQ_LENGTH) + " characters) "
                + "with " + run.corpus.labels().size() + " labels " + run.corpus.labels()
                : "windows of " + config.get(Options.SEQ_LENGTH);
        progress.info(String.format(Locale.ROOT, "data: vocabulary %d, %,d training and %,d validation %s, "
                        + "%d replicas, %d steps of %d per round",
                run.corpus.vocabulary().size(), run.corpus.trainWindows(), run.corpus.validationWindows(),
                examples, run.replicas, config.get(Options.AVERAGING_FREQUENCY), ReplicaBatch.size(config, run.replicas)));
        if (run.corpus.unknownCharacters() > 0) {
            // Printed in quiet mode too: a pipeline's log should show that the model cannot see part of its corpus.
            progress.summary(String.format(Locale.ROOT, "unknown characters: %,d corpus characters are not in the "
                    + "vocabulary and were read as <unk>", run.corpus.unknownCharacters()));
        }
        progress.info("run: " + run.store.runUri() + (run.state.round() > 0 ? " (from round " + run.state.round() + ")" : ""));
        if (run.state.round() >= config.get(Options.ROUNDS)) {
            progress.summary("the run has already trained " + run.state.round() + " rounds (train.rounds = "
                    + config.get(Options.ROUNDS) + "): nothing to train; raise train.rounds to continue it");
        }
    }

    /** The objects of one run that every round uses. */
    private static final class Session {
        final CheckpointStore store;
        final StartingPoint start;
        final PreparedCorpus corpus;
        final int replicas;
        final ModelSpec spec;
        final ComputationGraph graph;
        final MasterState state;
        final OuterOptimizer outer;
        final MetricsJournal journal;

        Session(CheckpointStore store, StartingPoint start, PreparedCorpus corpus, int replicas, ModelSpec spec,
                ComputationGraph graph, MasterState state, OuterOptimizer outer, MetricsJournal journal) {
            this.store = store;
            this.start = start;
            this.corpus = corpus;
            this.replicas = replicas;
            this.spec = spec;
            this.graph = graph;
            this.state = state;
            this.outer = outer;
            this.journal = journal;
        }
    }
}
