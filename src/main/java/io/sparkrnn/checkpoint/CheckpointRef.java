package io.sparkrnn.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * One complete checkpoint folder. Reads are verified: a stream from {@link #open} throws a
 * {@link CheckpointException} when it reaches the end of a file whose size or SHA-256 differs from
 * {@code checksums.json}.
 */
public final class CheckpointRef {
    private final HadoopFs fs;
    private final Path folder;
    private final Manifest manifest;

    CheckpointRef(HadoopFs fs, Path folder, Manifest manifest) {
        this.fs = fs;
        this.folder = folder;
        this.manifest = manifest;
    }

    public long round() {
        return manifest.round();
    }

    /** Fully qualified URI of the {@code ckpt-NNNNNNNN} folder. */
    public String uri() {
        return folder.toString();
    }

    /** The validation loss recorded at save time; NaN if it was unknown. */
    public double validationLoss() {
        return manifest.validationLoss();
    }

    /** The caller's file names, in the order they were written. */
    public List<String> files() {
        return new ArrayList<>(manifest.files().keySet());
    }

    /** Size in bytes of one of the caller's files, as recorded at save time. */
    public long size(String name) throws CheckpointException {
        return entry(name).bytes();
    }

    /** SHA-256 (hex) of one of the caller's files, as recorded at save time. */
    public String sha256(String name) throws CheckpointException {
        return entry(name).sha256();
    }

    /** Streams one file; reading it to the end verifies its size and SHA-256. */
    public InputStream open(String name) throws IOException {
        Manifest.Entry entry = entry(name);
        return new VerifyingInputStream(fs.open(new Path(folder, name)), entry, uri() + "/" + name);
    }

    /** The whole file, verified. For small files (state, vocabulary); stream models with {@link #open}. */
    public byte[] readAll(String name) throws IOException {
        long size = entry(name).bytes();
        if (size > Integer.MAX_VALUE - 16) {
            throw new CheckpointException(uri() + "/" + name + " has " + size + " bytes, too many for one array; use open(\"" + name + "\")");
        }
        try (InputStream in = open(name)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /** Re-hashes every file; throws a CheckpointException naming the first problem. */
    public void verify() throws IOException {
        CheckpointVerifier.Inspection in = CheckpointVerifier.inspect(fs, folder, true);
        if (!in.ok()) {
            throw new CheckpointException("Checkpoint " + uri() + " is damaged: " + in.problem());
        }
    }

    private Manifest.Entry entry(String name) throws CheckpointException {
        Manifest.Entry e = manifest.files().get(name);
        if (e == null) {
            throw new CheckpointException("Checkpoint " + uri() + " has no file \"" + name + "\"; it has " + files());
        }
        return e;
    }

    /**
     * The checkpoint at {@code uri}: either a {@code ckpt-NNNNNNNN} folder (which must be complete and
     * intact) or a run folder (its latest intact checkpoint, as {@link CheckpointStore#latest()}).
     */
    public static CheckpointRef resolve(String uri, Configuration conf) throws IOException {
        if (uri == null || uri.isBlank()) {
            throw new CheckpointException("checkpoint URI is empty; pass a ckpt-NNNNNNNN folder or a run folder");
        }
        Path given = new Path(uri);
        HadoopFs fs = HadoopFs.forPath(given, conf);
        Path path = fs.qualify(given);
        if (CheckpointLayout.roundOf(path.getName()).isPresent()) {
            CheckpointVerifier.Inspection in = CheckpointVerifier.inspect(fs, path, true);
            if (!in.ok()) {
                throw new CheckpointException("Checkpoint " + path + " cannot be used: " + in.problem()
                        + ". Pass another ckpt-NNNNNNNN folder, or the run folder " + path.getParent()
                        + " to use its newest intact checkpoint");
            }
            return new CheckpointRef(fs, path, in.manifest());
        }
        if (!fs.exists(path)) {
            throw new CheckpointException("Checkpoint path " + path + " does not exist. Pass a checkpoint folder "
                    + "(<root>/<runId>/ckpt-NNNNNNNN) or a run folder (<root>/<runId>)");
        }
        FileStatus st = fs.status(path);
        if (!st.isDirectory()) {
            throw new CheckpointException("Checkpoint path " + path + " is a file. Pass a checkpoint folder "
                    + "(<root>/<runId>/ckpt-NNNNNNNN) or a run folder (<root>/<runId>)");
        }
        RunFolder run = new RunFolder(fs, path);
        if (!run.hasCheckpoints()) {
            throw new CheckpointException(path + " is neither a checkpoint folder nor a run folder: it has no LATEST "
                    + "and no ckpt-NNNNNNNN folders. Pass a checkpoint folder (<root>/<runId>/ckpt-NNNNNNNN) or a run folder");
        }
        Optional<CheckpointRef> latest = run.latest();
        if (latest.isEmpty()) {
            throw new CheckpointException("Run folder " + path + " has no complete checkpoint yet");
        }
        return latest.get();
    }

    @Override
    public String toString() {
        return "CheckpointRef(round=" + round() + ", " + uri() + ")";
    }
}
