package io.sparkrnn.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The read side of a run folder: which checkpoints exist and which one to resume from. */
final class RunFolder {
    private static final Logger LOG = LoggerFactory.getLogger(RunFolder.class);

    private final HadoopFs fs;
    private final Path dir;

    RunFolder(HadoopFs fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Published checkpoint folders ({@code ckpt-N}, complete or not) by ascending round. */
    TreeMap<Long, Path> checkpointFolders() throws IOException {
        TreeMap<Long, Path> folders = new TreeMap<>();
        for (FileStatus st : fs.list(dir)) {
            OptionalLong round = CheckpointLayout.roundOf(st.getPath().getName());
            if (round.isPresent() && st.isDirectory()) {
                folders.put(round.getAsLong(), st.getPath());
            }
        }
        return folders;
    }

    boolean hasCheckpoints() throws IOException {
        return !checkpointFolders().isEmpty() || fs.exists(new Path(dir, CheckpointLayout.LATEST));
    }

    /** Complete checkpoints (marker, consistent manifest, right sizes; not re-hashed), ascending round. */
    List<CheckpointRef> listComplete() throws IOException {
        List<CheckpointRef> out = new ArrayList<>();
        for (Path folder : checkpointFolders().values()) {
            CheckpointVerifier.Inspection in = CheckpointVerifier.inspect(fs, folder, false);
            if (in.ok()) {
                out.add(new CheckpointRef(fs, folder, in.manifest()));
            }
        }
        return out;
    }

    /**
     * The checkpoint LATEST names if it is complete and every hash matches; otherwise the newest folder
     * that is. Each one passed over is logged at WARN with the reason.
     *
     * @throws CheckpointException if the run has checkpoint folders (or a LATEST) but none is usable:
     *     resuming from scratch there would silently throw training away, and retention would then
     *     delete the damaged checkpoints
     */
    Optional<CheckpointRef> latest() throws IOException {
        TreeMap<Long, Path> folders = checkpointFolders();
        Optional<String> pointer = readPointer();
        List<String> skipped = new ArrayList<>();
        Long tried = null;
        if (pointer.isPresent()) {
            String name = pointer.get();
            OptionalLong round = CheckpointLayout.roundOf(name);
            if (round.isEmpty()) {
                skip(skipped, new Path(dir, CheckpointLayout.LATEST),
                        "it names \"" + name + "\", which is not a checkpoint folder name (expected ckpt-NNNNNNNN)");
            } else {
                tried = round.getAsLong();
                Path folder = new Path(dir, name);
                CheckpointVerifier.Inspection in = CheckpointVerifier.inspect(fs, folder, true);
                if (in.ok()) {
                    return Optional.of(new CheckpointRef(fs, folder, in.manifest()));
                }
                skip(skipped, folder, in.problem() + " (named by LATEST)");
            }
        } else if (!folders.isEmpty()) {
            LOG.warn("Run folder {} has checkpoint folders but no LATEST file; using the newest intact one", dir);
        }
        for (Map.Entry<Long, Path> e : folders.descendingMap().entrySet()) {
            if (e.getKey().equals(tried)) {
                continue;
            }
            CheckpointVerifier.Inspection in = CheckpointVerifier.inspect(fs, e.getValue(), true);
            if (in.ok()) {
                if (pointer.isPresent()) {
                    LOG.warn("Falling back to checkpoint {} (round {}) instead of the one LATEST names", e.getValue(), e.getKey());
                }
                return Optional.of(new CheckpointRef(fs, e.getValue(), in.manifest()));
            }
            skip(skipped, e.getValue(), in.problem());
        }
        if (skipped.isEmpty()) {
            return Optional.empty();
        }
        throw new CheckpointException("Run folder " + dir + " has no usable checkpoint: " + String.join("; ", skipped)
                + ". To start this run from scratch, delete the run folder or use a new run id;"
                + " to resume, restore a checkpoint folder from a backup");
    }

    private static void skip(List<String> skipped, Path what, String why) {
        LOG.warn("Skipping checkpoint {}: {}", what, why);
        skipped.add(what.getName() + ": " + why);
    }

    /** The folder name in LATEST, trimmed; empty if LATEST does not exist. */
    private Optional<String> readPointer() throws IOException {
        Path latest = new Path(dir, CheckpointLayout.LATEST);
        if (!fs.exists(latest)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = CheckpointVerifier.readSmall(fs, latest);
            return Optional.of(new String(bytes, StandardCharsets.UTF_8).trim());
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty(); // replaced between exists() and open(): treat as missing
        }
    }
}
