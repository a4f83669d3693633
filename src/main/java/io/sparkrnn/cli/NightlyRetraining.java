package io.sparkrnn.cli;

import io.sparkrnn.checkpoint.CheckpointPolicy;
import io.sparkrnn.checkpoint.CheckpointRef;
import io.sparkrnn.checkpoint.CheckpointStore;
import io.sparkrnn.checkpoint.Promotion;
import io.sparkrnn.checkpoint.RunLock;
import io.sparkrnn.checkpoint.RunLockConflict;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.RunError;
import io.sparkrnn.dist.TrainingRun;
import io.sparkrnn.metrics.ConsoleProgress;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The nightly pipeline ({@code sparkrnn nightly}): lock production, choose where tonight's run starts, train,
 * gate, promote. Every file system step goes through {@link #fileSystem}, so an unreachable NameNode fails the run
 * with its own message (exit 4) instead of looking like "no production model yet", which would promote an
 * ungated model; production changes only in the last step, {@link PromoteCommand#promote}, which is atomic.
 */
final class NightlyRetraining {
    private final JavaSparkContext sc;
    private final RunConfig config;
    private final String productionUri;
    private final RegressionGate gate;
    private final ConsoleProgress progress;
    private final Configuration hadoop;

    NightlyRetraining(JavaSparkContext sc, RunConfig config, String productionUri, RegressionGate gate,
                      ConsoleProgress progress) {
        this.sc = sc;
        this.config = config;
        this.productionUri = productionUri;
        this.gate = gate;
        this.progress = progress;
        this.hadoop = sc.hadoopConfiguration();
    }

    int run() throws IOException {
        CheckpointStore production = fileSystem("reach the production folder " + productionUri, () -> {
            CheckpointStore store = PromoteCommand.openProduction(productionUri, config, hadoop);
            store.checkWritable();
            return store;
        });
        try (RunLock lock = lock(production); LockHeartbeat heartbeat = LockHeartbeat.start(lock, heartbeatEvery())) {
            Optional<CheckpointRef> current = fileSystem("read the production folder", production::latest);
            CheckpointStore tonight = fileSystem("open tonight's run folder", () -> CheckpointStore.open(
                    config.get(Options.CHECKPOINT_ROOT), config.get(Options.RUN_ID), hadoop, policy()));
            Optional<CheckpointRef> own = fileSystem("read tonight's run folder", tonight::latest);
            if (alreadyPromoted(own, current)) {
                progress.summary("nightly: " + own.get().uri() + " is production's latest model already ("
                        + current.get().uri() + "); nothing to do");
                return ExitCodes.OK;
            }
            train(tonight, own, current, production);
            if (current.isPresent()) {
                int verdict = BaselineComparison.compare(sc, tonight.runUri(),
                        Checkpoints.load(tonight.runUri(), hadoop), current.get().uri(), gate, List.of());
                if (verdict != ExitCodes.OK) {
                    progress.summary("nightly: gate failed: " + tonight.runUri() + " is worse than " + current.get().uri()
                            + "; production unchanged");
                    return verdict;
                }
            }
            heartbeat.requireStillHeld(); // no other nightly run took production over while this one trained
            fileSystem("promote " + tonight.runUri() + " to " + production.runUri(),
                    () -> PromoteCommand.promote(tonight.runUri(), production.runUri(), config, hadoop));
            return ExitCodes.OK;
        }
    }

    /** Resume tonight's run, else warm-start from production, else the first model from scratch. */
    private void train(CheckpointStore tonight, Optional<CheckpointRef> own, Optional<CheckpointRef> current,
                       CheckpointStore production) throws IOException {
        String initFrom = null;
        if (own.isPresent()) {
            progress.summary("nightly: resuming tonight's run " + tonight.runUri() + " from " + own.get().uri());
        } else if (current.isPresent()) {
            initFrom = production.runUri();
            progress.summary("nightly: training " + tonight.runUri() + ", warm start from production "
                    + current.get().uri());
        } else {
            progress.summary("nightly: no production model in " + production.runUri() + " yet: training the first "
                    + "model " + tonight.runUri() + " from scratch; it is promoted without a gate");
        }
        new TrainingRun(sc, config, false, initFrom, progress).run();
    }

    /** A retry after a promotion that succeeded (the scheduler lost the result): promoting again would only copy it. */
    private static boolean alreadyPromoted(Optional<CheckpointRef> own, Optional<CheckpointRef> current) throws IOException {
        return own.isPresent() && current.isPresent() && Promotion.sourceOf(current.get()).equals(Optional.of(own.get().uri()));
    }

    private RunLock lock(CheckpointStore production) {
        try {
            return RunLock.acquire(production, Duration.ofSeconds(config.get(Options.LOCK_STALE_SECONDS)));
        } catch (RunLockConflict e) {
            throw new RunError(ExitCodes.RUN_CONFLICT, "another nightly run holds the production folder "
                    + production.runUri() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw unreachable("take the lock of the production folder " + production.runUri(), e);
        }
    }

    private Duration heartbeatEvery() {
        return Duration.ofSeconds(Math.max(1, Math.min(60, config.get(Options.LOCK_STALE_SECONDS) / 4)));
    }

    private CheckpointPolicy policy() {
        return new CheckpointPolicy(config.get(Options.CHECKPOINT_KEEP), config.get(Options.CHECKPOINT_DIR_PERMISSION),
                config.get(Options.CHECKPOINT_FILE_PERMISSION));
    }

    /** One file system step of the pipeline; any I/O failure ends the run with exit code 4, naming the step. */
    private static <T> T fileSystem(String step, IOStep<T> body) {
        try {
            return body.run();
        } catch (RunError e) {
            throw e;
        } catch (IOException e) {
            throw unreachable(step, e);
        }
    }

    private static RunError unreachable(String step, IOException e) {
        return new RunError(ExitCodes.CHECKPOINT, "nightly: cannot " + step + ": " + e.getMessage()
                + ". The file system may be unreachable; the production model was not changed. Run the nightly "
                + "again when it answers (tonight's run resumes from its last checkpoint)", e);
    }

    @FunctionalInterface
    private interface IOStep<T> {
        T run() throws IOException;
    }
}
