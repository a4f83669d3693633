package io.sparkrnn.checkpoint;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run folder's lock on the local file system: conflicts name the holder, stale locks are taken over. */
class RunLockTest {
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path root;

    private CheckpointStore store() throws IOException {
        CheckpointStore store = CheckpointStore.open(root.toUri().toString(), "run", new Configuration(), CheckpointPolicy.defaults());
        store.checkWritable();
        return store;
    }

    private Path lockFile() {
        return root.resolve("run").resolve(RunLock.FILE_NAME);
    }

    private void writeLock(String host, long pid, Instant heartbeat, String token) throws IOException {
        Files.writeString(lockFile(), "{\"host\":\"" + host + "\",\"pid\":" + pid + ",\"started\":\"" + heartbeat
                + "\",\"heartbeat\":\"" + heartbeat + "\",\"token\":\"" + token + "\"}", StandardCharsets.UTF_8);
    }

    @Test
    void aSecondLockOnAFolderInUseIsRefusedAndNamesTheHolder() throws IOException {
        CheckpointStore store = store();
        try (RunLock first = RunLock.acquire(store, HOUR)) {
            RunLockConflict conflict = assertThrows(RunLockConflict.class, () -> RunLock.acquire(store, HOUR));
            assertTrue(conflict.getMessage().contains("is in use by another training run: host ")
                    && conflict.getMessage().contains("pid " + ProcessHandle.current().pid()), conflict.getMessage());
            first.heartbeat();
        }
        assertFalse(Files.exists(lockFile()), "closing releases the lock");
        RunLock.acquire(store, HOUR).close();
    }

    @Test
    void ofRunsStartingAtTheSameInstantExactlyOneGetsTheLock() throws Exception {
        CheckpointStore store = store();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int attempt = 0; attempt < 40; attempt++) {
                CyclicBarrier start = new CyclicBarrier(2);
                Callable<RunLock> contender = () -> {
                    start.await();
                    try {
                        return RunLock.acquire(store, HOUR);
                    } catch (RunLockConflict refused) {
                        return null;
                    }
                };
                List<Future<RunLock>> results = pool.invokeAll(List.of(contender, contender));
                List<RunLock> winners = new ArrayList<>();
                for (Future<RunLock> result : results) {
                    if (result.get() != null) {
                        winners.add(result.get());
                    }
                }
                winners.forEach(RunLock::close);
                assertEquals(1, winners.size(), "winners of simultaneous start " + attempt);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLockWithAnOldHeartbeatIsTakenOverAndAFreshOneOnAnotherHostIsNot() throws IOException {
        CheckpointStore store = store();
        writeLock("other-host.example", 4242, Instant.now().minus(Duration.ofHours(2)), "old");
        try (RunLock lock = RunLock.acquire(store, HOUR)) {
            assertTrue(Files.readString(lockFile()).contains("\"pid\" : " + ProcessHandle.current().pid()));
        }
        writeLock("other-host.example", 4242, Instant.now().minusSeconds(30), "fresh");
        RunLockConflict conflict = assertThrows(RunLockConflict.class, () -> RunLock.acquire(store, HOUR));
        assertTrue(conflict.getMessage().contains("host other-host.example, pid 4242"), conflict.getMessage());
        assertTrue(conflict.getMessage().contains("run.lockStaleSeconds"), conflict.getMessage());
    }

    @Test
    void aLockOfADeadProcessOnThisHostIsTakenOverAtOnce() throws IOException, InterruptedException {
        CheckpointStore store = store();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        writeLock(java.net.InetAddress.getLocalHost().getHostName(), gone.pid(), Instant.now(), "killed");
        RunLock.acquire(store, HOUR).close();
    }

    @Test
    void aRunWhoseLockWasTakenOverStopsAtItsNextHeartbeat() throws IOException {
        CheckpointStore store = store();
        try (RunLock lock = RunLock.acquire(store, HOUR)) {
            writeLock("other-host.example", 7, Instant.now(), "usurper");
            RunLockConflict conflict = assertThrows(RunLockConflict.class, lock::heartbeat);
            assertTrue(conflict.getMessage().contains("was taken over by host other-host.example, pid 7"), conflict.getMessage());
        }
        assertTrue(Files.readString(lockFile()).contains("usurper"), "closing must not delete another run's lock");
    }
}
