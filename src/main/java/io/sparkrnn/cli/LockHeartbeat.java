package io.sparkrnn.cli;

import io.sparkrnn.checkpoint.RunLock;
import io.sparkrnn.checkpoint.RunLockConflict;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.dist.RunError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a lock's heartbeat fresh from a background thread while its holder works for hours in one step (training a
 * nightly run refreshes only its own run folder's lock), so that the lock does not look stale to the next run.
 */
final class LockHeartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LockHeartbeat.class);
    private final RunLock lock;
    private final ScheduledExecutorService timer;

    private LockHeartbeat(RunLock lock, ScheduledExecutorService timer) {
        this.lock = lock;
        this.timer = timer;
    }

    static LockHeartbeat start(RunLock lock, Duration every) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "spark-rnn lock heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        LockHeartbeat heartbeat = new LockHeartbeat(lock, timer);
        timer.scheduleWithFixedDelay(heartbeat::beatQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    /** Refreshes the heartbeat now; exit 5 when another run has taken the lock over. */
    void requireStillHeld() {
        try {
            beat();
        } catch (IOException e) {
            throw new RunError(ExitCodes.RUN_CONFLICT, e.getMessage(), e);
        }
    }

    /** RunLock is not thread-safe: the timer and the holder's own last check take turns. */
    private synchronized void beat() throws IOException {
        lock.heartbeat();
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (RunLockConflict e) {
            LOG.error("{}", e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not refresh the lock's heartbeat: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
