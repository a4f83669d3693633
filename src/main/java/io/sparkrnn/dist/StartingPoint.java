package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Labels;
import io.sparkrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a run starts. From scratch; from the run's own latest checkpoint (a resume: parameters, optimizer
 * states, round, data cursor and best loss all continue, so the run ends exactly where the uninterrupted run
 * would); or from another run's checkpoint (a warm start: its parameters and vocabulary, but round 0 and fresh
 * optimizer states, because Adam's moments and step count describe the old run's gradients, not this one's).
 */
final class StartingPoint {
    private enum Kind { FRESH, RESUME, WARM_START }

    private final Kind kind;
    private final RunSnapshot snapshot;
    private final String checkpointUri;
    private final WarmStart warmStart;

    private StartingPoint(Kind kind, RunSnapshot snapshot, String checkpointUri, WarmStart warmStart) {
        this.kind = kind;
        this.snapshot = snapshot;
        this.checkpointUri = checkpointUri;
        this.warmStart = warmStart;
    }

    static StartingPoint fresh() {
        return new StartingPoint(Kind.FRESH, null, null, null);
    }

    /** Continues the run from its own checkpoint; a warm-started run keeps the record of where it started. */
    static StartingPoint resume(RunSnapshot own, String checkpointUri) {
        return new StartingPoint(Kind.RESUME, own, checkpointUri, own.warmStart());
    }

    static StartingPoint warmStart(RunSnapshot source, WarmStart origin) {
        return new StartingPoint(Kind.WARM_START, source, origin.checkpointUri(), origin);
    }

    boolean fromScratch() {
        return kind == Kind.FRESH;
    }

    /** The vocabulary to encode the corpus with, or null to build it from the corpus. */
    Vocabulary vocabulary() {
        return snapshot == null ? null : snapshot.vocabulary();
    }

    /** The label set to encode a classification corpus with, or null to build it from the corpus. */
    Labels labels() {
        return snapshot == null ? null : snapshot.labels();
    }

    /** The checkpoint a resume continues from (the run's latest checkpoint until it saves a new one), or null. */
    String resumedCheckpoint() {
        return kind == Kind.RESUME ? checkpointUri : null;
    }

    /** Null for a run started from scratch. */
    WarmStart warmStartRecord() {
        return warmStart;
    }

    /**
     * Refuses (exit 4) a checkpoint of another model shape or optimizer kind than the config gives, before any
     * data is read, and returns warnings about changes that let a resume go on, but not exactly.
     */
    List<String> requireFits(RunConfig config, int replicas) {
        List<String> warnings = new ArrayList<>();
        if (kind == Kind.FRESH) {
            return warnings;
        }
        CheckpointCompatibility.requireSame(CheckpointCompatibility.SHAPE, snapshot.config(), config, checkpointUri,
                "Use the checkpoint's model settings");
        if (kind == Kind.WARM_START) {
            return warnings;
        }
        CheckpointCompatibility.requireSame(CheckpointCompatibility.OPTIMIZER_STATE, snapshot.config(), config,
                checkpointUri, "The optimizer states in the checkpoint only fit the optimizers that wrote them; "
                        + "resume with them, or start a new run.id with --init-from " + checkpointUri);
        List<String> changed = CheckpointCompatibility.changedSettings(snapshot.config(), config);
        if ("local".equals(config.get(Options.OPTIMIZER_STATE))
                && !snapshot.config().get(Options.CHECKPOINT_EVERY).equals(config.get(Options.CHECKPOINT_EVERY))) {
            // With local moments the checkpoint rounds are the rounds that average them: part of the training.
            changed.add(Options.CHECKPOINT_EVERY.key() + ": " + snapshot.config().get(Options.CHECKPOINT_EVERY) + " -> "
                    + config.get(Options.CHECKPOINT_EVERY) + " (with master.optimizerState = local it decides when "
                    + "the moments are averaged)");
        }
        if (!changed.isEmpty()) {
            warnings.add("resuming with changed settings (" + String.join(", ", changed) + "): training continues, "
                    + "but not exactly as the uninterrupted run would have");
        }
        if (snapshot.replicas() != replicas) {
            warnings.add("resuming with " + replicas + " replicas instead of " + snapshot.replicas() + ": the windows are "
                    + "dealt to replicas anew, so training continues, but not exactly as the uninterrupted run would have");
        }
        return warnings;
    }

    /**
     * Refuses (exit 4) to resume a run whose vocabulary came from its corpus when the corpus now gives another
     * one. A warm-started run keeps the vocabulary it started with, whatever its corpus holds.
     */
    void requireSameVocabulary(PreparedCorpus corpus) {
        if (kind == Kind.RESUME && warmStart == null) {
            CheckpointCompatibility.requireSameVocabulary(snapshot.vocabulary(), corpus.corpusVocabulary(), checkpointUri);
        }
    }

    /**
     * Loads the starting parameters (and, for a resume, the averaged replica optimizer state) into {@code graph},
     * built from the current config, and returns the driver's state for the first round.
     */
    MasterState restoreInto(ComputationGraph graph) {
        if (kind != Kind.FRESH) {
            graph.setParams(snapshot.graph().params());
        }
        INDArray updater = updaterStateOf(graph);
        if (kind == Kind.RESUME && updater.length() > 0) {
            updater.assign(snapshot.graph().getUpdater().getStateViewArray());
        }
        if (kind != Kind.RESUME) {
            return new MasterState(graph.params().dup(), updater.dup(), 0, 0);
        }
        MasterState state = new MasterState(graph.params().dup(), updater.dup(), snapshot.round(), snapshot.steps());
        state.restoreBest(snapshot.bestValidationLoss());
        state.lowerLearningRate(snapshot.position().learningRate());
        return state;
    }

    OuterOptimizer outerOptimizer(RunConfig config) {
        OuterOptimizer outer = OuterOptimizer.from(config);
        if (kind == Kind.RESUME) {
            outer.restore(snapshot.outerState());
        }
        return outer;
    }

    /** One line for the console: where training starts. */
    String describe(String runUri) {
        switch (kind) {
            case RESUME:
                return "resuming " + runUri + " from " + checkpointUri + " (round " + snapshot.round() + ")";
            case WARM_START:
                return "warm start of " + runUri + " from " + checkpointUri + " (trained " + snapshot.round()
                        + " rounds): its parameters and vocabulary, round 0 and fresh optimizer states";
            default:
                return "new run " + runUri;
        }
    }

    static INDArray updaterStateOf(ComputationGraph graph) {
        INDArray state = graph.getUpdater().getStateViewArray();
        return state == null ? Nd4j.createFromArray(new float[0]) : state;
    }
}
