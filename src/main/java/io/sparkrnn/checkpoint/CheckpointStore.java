package io.sparkrnn.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one training run, in {@code <root>/<runId>} on any Hadoop file system.
 *
 * <p>A save never leaves a partial checkpoint where a reader looks: files go into a temp folder,
 * {@code _COMPLETE} is written last, the folder is renamed to {@code ckpt-NNNNNNNN} and only then is
 * LATEST replaced (atomically) to name it. A crash at any point leaves LATEST on the previous complete
 * checkpoint plus, at worst, a temp folder that the next save removes. One writer per run folder.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private final HadoopFs fs;
    private final Path runDir;
    private final CheckpointPolicy policy;
    private final RunFolder run;
    private final AtomicFiles atomic;

    private CheckpointStore(HadoopFs fs, Path runDir, CheckpointPolicy policy) {
        this.fs = fs;
        this.runDir = runDir;
        this.policy = policy;
        this.run = new RunFolder(fs, runDir);
        this.atomic = new FileContextAtomicFiles(fs);
    }

    /**
     * Opens (does not create) the run folder {@code <root>/<runId>}.
     *
     * @param root any Hadoop URI or path: {@code file:///tmp/x}, {@code hdfs://nn:8020/runs}, {@code runs}
     *     (relative to the default file system's working directory)
     */
    public static CheckpointStore open(String root, String runId, Configuration conf, CheckpointPolicy policy)
            throws IOException {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("checkpoint root must be a path or URI like hdfs://nn:8020/runs, got "
                    + (root == null ? "null" : "\"" + root + "\""));
        }
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("runId must be 1-200 characters of [A-Za-z0-9._-] starting with a letter "
                    + "or digit (it becomes a folder name), got " + (runId == null ? "null" : "\"" + runId + "\""));
        }
        Objects.requireNonNull(conf, "conf");
        Objects.requireNonNull(policy, "policy");
        Path rootPath = new Path(root);
        HadoopFs fs = HadoopFs.forPath(rootPath, conf);
        return new CheckpointStore(fs, fs.qualify(new Path(rootPath, runId)), policy);
    }

    /**
     * Opens (does not create) the folder {@code folderUri} as a run folder: its checkpoints, LATEST and
     * retention work as in any run. Used for folders that receive copies, such as a production folder.
     */
    public static CheckpointStore openFolder(String folderUri, Configuration conf, CheckpointPolicy policy)
            throws IOException {
        if (folderUri == null || folderUri.isBlank()) {
            throw new IllegalArgumentException("folder must be a path or URI like hdfs://nn:8020/models/production, got "
                    + (folderUri == null ? "null" : "\"" + folderUri + "\""));
        }
        Path given = new Path(folderUri);
        Path folder = HadoopFs.forPath(given, conf).qualify(given);
        if (folder.getParent() == null) {
            throw new IllegalArgumentException("folder must not be a file system's root, got \"" + folderUri + "\"");
        }
        return open(folder.getParent().toString(), folder.getName(), conf, policy);
    }

    /** The fully qualified run folder, e.g. {@code hdfs://nn:8020/runs/run-7}. */
    public String runUri() {
        return runDir.toString();
    }

    public CheckpointPolicy policy() {
        return policy;
    }

    Path runDir() {
        return runDir;
    }

    HadoopFs fs() {
        return fs;
    }

    /** True if the run folder has a LATEST or at least one checkpoint folder (complete or not). */
    public boolean exists() throws IOException {
        return run.hasCheckpoints();
    }

    /**
     * Creates the run folder if needed and writes and deletes a probe file, so a bad root fails at
     * startup rather than at the first checkpoint, hours into training.
     */
    public void checkWritable() throws IOException {
        ensureRunDir();
        Path probe = new Path(runDir, ".probe-" + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs.create(probe, policy.filePermission())) {
                out.write('x');
            }
            fs.delete(probe, false);
        } catch (IOException e) {
            throw notWritable(e);
        }
    }

    private void ensureRunDir() throws IOException {
        try {
            fs.mkdirs(runDir, policy.dirPermission());
        } catch (IOException e) {
            throw notWritable(e);
        }
    }

    private CheckpointException notWritable(IOException e) {
        return new CheckpointException("Cannot write checkpoints to " + runDir + ": " + e.getClass().getSimpleName()
                + ": " + CheckpointVerifier.firstLine(e) + ". Choose a checkpoint root your user can write to, or create "
                + runDir + " and give your user write access to it (on HDFS: hdfs dfs -mkdir -p <dir>; hdfs dfs -chown <user> <dir>)", e);
    }

    /**
     * Saves a checkpoint for {@code round} and points LATEST at it, then applies retention. Saving a
     * round that already exists replaces it (a retried save). If {@code contents} throws, nothing
     * visible changes and the exception propagates.
     *
     * @param validationLoss NaN if unknown; used to keep the best checkpoint
     */
    public CheckpointRef save(long round, double validationLoss, CheckpointContents contents) throws IOException {
        return save(round, validationLoss, contents, false);
    }

    /**
     * Like {@link #save(long, double, CheckpointContents)}; with {@code readBack} every file is read back from
     * storage and re-hashed before the checkpoint is published, so a copy that does not read back as written
     * never becomes LATEST (used when promoting a model, where a bad copy would go to production).
     */
    public CheckpointRef save(long round, double validationLoss, CheckpointContents contents, boolean readBack)
            throws IOException {
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, got " + round);
        }
        if (Double.isInfinite(validationLoss)) {
            throw new IllegalArgumentException("validationLoss must be finite, or NaN if unknown, got " + validationLoss);
        }
        Objects.requireNonNull(contents, "contents");
        ensureRunDir();
        Path temp = new Path(runDir, CheckpointLayout.tempFolderName(round));
        fs.mkdirs(temp, policy.dirPermission());
        Manifest manifest;
        try {
            FolderWriter writer = new FolderWriter(fs, temp, policy.filePermission());
            contents.writeTo(writer);
            manifest = writer.finish(round, validationLoss);
            if (readBack) {
                requireReadsBack(temp, manifest);
            }
        } catch (Throwable t) {
            deleteQuietly(temp, "the cancelled save of round " + round);
            throw t;
        }
        Path folder = new Path(runDir, CheckpointLayout.folderName(round));
        publish(temp, folder, round);
        writeLatest(folder.getName());
        LOG.info("Saved checkpoint {} (round {}, validation loss {})", folder, round, validationLoss);
        try {
            applyRetention(round);
        } catch (IOException | RuntimeException e) {
            // The checkpoint is safe; a failed clean-up must not stop training. The next save retries it.
            LOG.warn("Checkpoint {} saved, but removing old checkpoints in {} failed: {}", folder, runDir, e.toString());
        }
        return new CheckpointRef(fs, folder, manifest);
    }

    private void requireReadsBack(Path folder, Manifest manifest) throws IOException {
        for (Manifest.Entry entry : manifest.files().values()) {
            String mismatch = CheckpointVerifier.hashMismatch(fs, new Path(folder, entry.name()), entry);
            if (mismatch != null) {
                throw new CheckpointException("The files written to " + folder + " do not read back as written: "
                        + mismatch + ". Nothing was published; check the file system's health and try again");
            }
        }
    }

    /** Renames the finished temp folder into place; an existing folder of the same round is replaced. */
    private void publish(Path temp, Path folder, long round) throws IOException {
        Path retired = null;
        if (fs.exists(folder)) {
            // A directory rename cannot overwrite a non-empty directory (HDFS and POSIX), so move the old
            // one aside first. Until the next rename the round is missing and readers fall back to the
            // previous checkpoint, which is safe.
            retired = new Path(runDir, CheckpointLayout.retiredFolderName(round));
            fs.rename(folder, retired, false);
        }
        try {
            fs.rename(temp, folder, false);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, "the unpublished save of round " + round);
            throw e;
        }
        if (retired != null) {
            deleteQuietly(retired, "the replaced checkpoint of round " + round);
        }
    }

    private void writeLatest(String folderName) throws IOException {
        Path latest = new Path(runDir, CheckpointLayout.LATEST);
        byte[] bytes = (folderName + "\n").getBytes(StandardCharsets.UTF_8);
        atomic.writeAtomic(latest, policy.filePermission(), out -> out.write(bytes));
    }

    /**
     * Deletes complete checkpoints outside {@link Retention#roundsToKeep}, checkpoint folders that never
     * completed and are older than the newest complete one, leftover temp folders up to the newest
     * complete round (crashed or cancelled saves), and leftover LATEST temp files.
     */
    private void applyRetention(long latestRound) throws IOException {
        List<CheckpointRef> complete = run.listComplete();
        List<Retention.Candidate> candidates = new ArrayList<>();
        long newest = latestRound;
        for (CheckpointRef ref : complete) {
            candidates.add(new Retention.Candidate(ref.round(), ref.validationLoss()));
            newest = Math.max(newest, ref.round());
        }
        Set<Long> keep = Retention.roundsToKeep(candidates, policy.keep(), latestRound);
        Set<Long> completeRounds = new HashSet<>();
        for (CheckpointRef ref : complete) {
            completeRounds.add(ref.round());
        }
        for (FileStatus st : fs.list(runDir)) {
            String name = st.getPath().getName();
            OptionalLong round = CheckpointLayout.roundOf(name);
            OptionalLong tempRound = CheckpointLayout.tempRoundOf(name);
            if (round.isPresent() && completeRounds.contains(round.getAsLong())) {
                if (!keep.contains(round.getAsLong())) {
                    LOG.info("Retention: deleting checkpoint {} (keeping rounds {})", st.getPath(), keep);
                    fs.delete(st.getPath(), true);
                }
            } else if (round.isPresent() && round.getAsLong() < newest) {
                LOG.warn("Retention: deleting incomplete checkpoint folder {} (older than the newest complete round {})",
                        st.getPath(), newest);
                fs.delete(st.getPath(), true);
            } else if (tempRound.isPresent() && tempRound.getAsLong() <= newest) {
                LOG.info("Retention: deleting leftover temp folder {} of an interrupted save", st.getPath());
                fs.delete(st.getPath(), true);
            } else if (CheckpointLayout.isLatestTemp(name)) {
                fs.delete(st.getPath(), false);
            }
        }
    }

    private void deleteQuietly(Path path, String what) {
        try {
            fs.delete(path, true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete {} at {} ({}); the next successful save removes it", what, path, e.toString());
        }
    }

    /** The newest complete checkpoint whose files all match their checksums, as described in {@link RunFolder#latest()}. */
    public Optional<CheckpointRef> latest() throws IOException {
        return run.latest();
    }

    /** Complete checkpoints by ascending round (markers and manifest checked; files are verified when read). */
    public List<CheckpointRef> listComplete() throws IOException {
        return run.listComplete();
    }

    @Override
    public String toString() {
        return "CheckpointStore(" + runDir + ", " + policy + ")";
    }
}
