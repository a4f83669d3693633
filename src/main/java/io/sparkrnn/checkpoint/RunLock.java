package io.sparkrnn.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <run folder>/RUN.lock}: at most one training run writes a run folder at a time. The lock file is created
 * without OVERWRITE, atomically (see {@link HadoopFs#create}), and holds the holder's host, PID, start time and a heartbeat
 * that the holder refreshes every round.
 *
 * <p>A lock is stale, and is taken over with a warning, when its holder ran on this host and its PID is gone (a
 * killed driver), or when its heartbeat is older than {@code staleAfter} (a driver on another host that died).
 * A takeover first renames the stale file aside, so of two runs taking over at once only one succeeds.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE_NAME = "RUN.lock";
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HadoopFs fs;
    private final Path file;
    private final CheckpointPolicy policy;
    private final Holder self;
    private boolean released;

    private RunLock(HadoopFs fs, Path file, CheckpointPolicy policy, Holder self) {
        this.fs = fs;
        this.file = file;
        this.policy = policy;
        this.self = self;
    }

    /**
     * Takes the lock of the store's run folder (which must exist: call {@link CheckpointStore#checkWritable} first).
     *
     * @throws RunLockConflict if a live run holds it; the message names the holder
     */
    public static RunLock acquire(CheckpointStore store, Duration staleAfter) throws IOException {
        Path file = new Path(store.runDir(), FILE_NAME);
        Instant now = Instant.now();
        Holder self = new Holder(localHost(), ProcessHandle.current().pid(), now, now, UUID.randomUUID().toString());
        RunLock lock = new RunLock(store.fs(), file, store.policy(), self);
        if (lock.tryCreate()) {
            return lock;
        }
        Holder holder = lock.readHolder();
        if (holder == null) {
            // Released between our create and our read: one more try, then the caller sees a conflict.
            if (lock.tryCreate()) {
                return lock;
            }
            holder = lock.readHolder();
        }
        String staleBecause = holder == null ? null : holder.staleBecause(self.host, now, staleAfter);
        if (staleBecause == null) {
            throw new RunLockConflict("run folder " + store.runDir() + " is in use by another training run: "
                    + (holder == null ? "its lock file appeared and vanished while we looked" : holder.describe())
                    + ". Wait for it to finish or stop it; if it is dead, its lock is taken over once it is stale (same"
                    + " host and the PID is gone, or no heartbeat for " + staleAfter.toSeconds() + " s: run.lockStaleSeconds),"
                    + " or delete " + file + " yourself");
        }
        lock.takeOver(holder, staleBecause);
        return lock;
    }

    /** Refreshes the heartbeat; fails if another run has taken the lock over (this run was thought dead). */
    public void heartbeat() throws IOException {
        Holder current;
        try {
            current = readHolder();
        } catch (IOException e) {
            LOG.warn("Could not read {} to refresh its heartbeat: {}", file, CheckpointVerifier.firstLine(e));
            return;
        }
        if (current == null || !current.token.equals(self.token)) {
            throw new RunLockConflict("the lock " + file + " of this run was taken over by "
                    + (current == null ? "nobody (it was deleted)" : current.describe())
                    + " while this run was stalled for longer than run.lockStaleSeconds; stopping so that two runs do not"
                    + " write the same run folder");
        }
        Holder refreshed = self.withHeartbeat(Instant.now());
        Path temp = new Path(file.getParent(), "." + FILE_NAME + ".tmp-" + UUID.randomUUID());
        try {
            write(temp, refreshed);
            fs.rename(temp, file, true);
        } catch (IOException e) {
            // A missed heartbeat only matters after run.lockStaleSeconds; a full or flaky file system must not stop
            // training here (a failing checkpoint does, with its own message).
            LOG.warn("Could not refresh the heartbeat of {}: {}", file, CheckpointVerifier.firstLine(e));
            deleteQuietly(temp);
        }
    }

    /** Deletes the lock if it is still this run's. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            Holder current = readHolder();
            if (current != null && current.token.equals(self.token)) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            LOG.warn("Could not release {}: {}; the next run takes it over once it is stale", file, CheckpointVerifier.firstLine(e));
        }
    }

    private boolean tryCreate() throws IOException {
        try {
            write(file, self);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private void takeOver(Holder stale, String why) throws IOException {
        Path aside = new Path(file.getParent(), "." + FILE_NAME + ".stale-" + self.token);
        try {
            fs.rename(file, aside, false);
        } catch (FileNotFoundException e) {
            throw new RunLockConflict("another run took over the stale lock " + file + " at the same time; try again");
        }
        Holder moved = readHolder(aside);
        if (moved == null || !moved.token.equals(stale.token)) {
            // We moved a lock that a faster run had just created: put it back and give way.
            fs.rename(aside, file, false);
            throw new RunLockConflict("another run took over the stale lock " + file + " at the same time: "
                    + (moved == null ? "unknown holder" : moved.describe()));
        }
        deleteQuietly(aside);
        if (!tryCreate()) {
            throw new RunLockConflict("another run took over the stale lock " + file + " at the same time");
        }
        LOG.warn("Took over the stale lock {} of {}: {}", file, stale.describe(), why);
    }

    private void write(Path target, Holder holder) throws IOException {
        byte[] json = holder.toJson().getBytes(StandardCharsets.UTF_8);
        fs.writeFile(target, policy.filePermission(), out -> out.write(json));
    }

    private Holder readHolder() throws IOException {
        return readHolder(file);
    }

    /** The holder named in {@code path}; null if it does not exist. An unreadable file is dated by its mtime. */
    private Holder readHolder(Path path) throws IOException {
        try {
            byte[] bytes = CheckpointVerifier.readSmall(fs, path);
            Holder holder = Holder.parse(bytes);
            if (holder != null) {
                return holder;
            }
            // Created but never filled: the creator died between create and write.
            Instant modified = Instant.ofEpochMilli(fs.status(path).getModificationTime());
            return new Holder("unknown", -1, modified, modified, "unreadable-" + modified.toEpochMilli());
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private void deleteQuietly(Path path) {
        try {
            fs.delete(path, false);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", path, CheckpointVerifier.firstLine(e));
        }
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Who holds a lock, as written in the lock file. */
    static final class Holder {
        final String host;
        final long pid;
        final Instant started;
        final Instant heartbeat;
        final String token;

        Holder(String host, long pid, Instant started, Instant heartbeat, String token) {
            this.host = host;
            this.pid = pid;
            this.started = started;
            this.heartbeat = heartbeat;
            this.token = token;
        }

        Holder withHeartbeat(Instant at) {
            return new Holder(host, pid, started, at, token);
        }

        /** Why this holder is presumed dead, or null if it may be alive. */
        String staleBecause(String localHost, Instant now, Duration staleAfter) {
            if (host.equals(localHost) && pid > 0 && ProcessHandle.of(pid).isEmpty()) {
                return "its process " + pid + " on this host (" + host + ") is gone";
            }
            Duration silent = Duration.between(heartbeat, now);
            if (silent.compareTo(staleAfter) > 0) {
                return "its last heartbeat was " + silent.toSeconds() + " s ago, more than run.lockStaleSeconds = "
                        + staleAfter.toSeconds();
            }
            return null;
        }

        String describe() {
            return "host " + host + ", pid " + pid + ", started " + started + ", last heartbeat " + heartbeat;
        }

        String toJson() throws IOException {
            ObjectNode node = JSON.createObjectNode();
            node.put("host", host);
            node.put("pid", pid);
            node.put("started", started.toString());
            node.put("heartbeat", heartbeat.toString());
            node.put("token", token);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        }

        static Holder parse(byte[] bytes) {
            try {
                JsonNode node = JSON.readTree(bytes);
                if (node == null || !node.hasNonNull("token")) {
                    return null;
                }
                return new Holder(node.path("host").asText("unknown"), node.path("pid").asLong(-1),
                        Instant.parse(node.path("started").asText()), Instant.parse(node.path("heartbeat").asText()),
                        node.path("token").asText());
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
