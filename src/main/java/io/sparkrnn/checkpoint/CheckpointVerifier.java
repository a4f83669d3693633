package io.sparkrnn.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.OptionalLong;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;

/**
 * Decides whether a {@code ckpt-NNNNNNNN} folder is a usable checkpoint, and if not, says why in words
 * a user can act on.
 *
 * <p>Damage (missing marker or file, wrong size or hash, unreadable block) is a finding, not an error:
 * the reader falls back to an older checkpoint. Permission denied is an error: falling back would
 * quietly resume from an older checkpoint (or from scratch) for a problem the user must fix.
 */
final class CheckpointVerifier {
    /** Manifests are a few KB; anything larger is not ours and must not be read into memory. */
    private static final int MAX_MANIFEST_BYTES = 16 << 20;

    /** Either the folder's manifest or the reason it cannot be used. */
    record Inspection(Manifest manifest, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    private CheckpointVerifier() {
    }

    /**
     * @param hashFiles also re-hash every file (reads the whole checkpoint); otherwise only the markers,
     *     the manifest and the file sizes are checked
     */
    static Inspection inspect(HadoopFs fs, Path folder, boolean hashFiles) throws IOException {
        try {
            return inspectOrThrow(fs, folder, hashFiles);
        } catch (AccessControlException e) {
            throw new CheckpointException("Permission denied reading checkpoint " + folder + ": " + firstLine(e)
                    + ". Run as the user that wrote it, or give your user read access to the run folder", e);
        } catch (FileNotFoundException e) {
            // Deleted while we looked (retention of another writer) or a file is missing.
            return problem("a file disappeared while checking it (" + firstLine(e) + ")");
        } catch (CheckpointException e) {
            return problem(e.getMessage());
        } catch (IOException e) {
            // ChecksumException (local CRC), BlockMissingException (HDFS lost all replicas), EOF...
            return problem("could not be read: " + e.getClass().getSimpleName() + ": " + firstLine(e));
        }
    }

    private static Inspection inspectOrThrow(HadoopFs fs, Path folder, boolean hashFiles) throws IOException {
        OptionalLong round = CheckpointLayout.roundOf(folder.getName());
        if (round.isEmpty()) {
            return problem("\"" + folder.getName() + "\" is not a checkpoint folder name (expected ckpt-NNNNNNNN)");
        }
        if (!fs.exists(folder)) {
            return problem("it does not exist");
        }
        if (!fs.status(folder).isDirectory()) {
            return problem("it is a file, not a checkpoint folder");
        }
        Path complete = new Path(folder, CheckpointLayout.COMPLETE);
        if (!fs.exists(complete)) {
            return problem("no " + CheckpointLayout.COMPLETE + " marker: the save did not finish");
        }
        Path manifestPath = new Path(folder, CheckpointLayout.MANIFEST);
        if (!fs.exists(manifestPath)) {
            return problem("no " + CheckpointLayout.MANIFEST);
        }
        byte[] json = readSmall(fs, manifestPath);
        String marker = new String(readSmall(fs, complete), StandardCharsets.US_ASCII).trim();
        // An empty marker (written by hand, or by a tool that only touches _COMPLETE) vouches for nothing
        // more than completeness; a non-empty one must match the manifest.
        if (!marker.isEmpty() && !marker.equals(Sha256.of(json))) {
            return problem(CheckpointLayout.MANIFEST + " does not match the SHA-256 recorded in "
                    + CheckpointLayout.COMPLETE + ": the manifest was changed or damaged");
        }
        Manifest manifest = Manifest.parse(json, CheckpointLayout.MANIFEST);
        if (manifest.round() != round.getAsLong()) {
            return problem(CheckpointLayout.MANIFEST + " says round " + manifest.round()
                    + " but the folder is " + folder.getName() + " (renamed by hand?)");
        }
        for (Manifest.Entry entry : manifest.files().values()) {
            Path file = new Path(folder, entry.name());
            if (!fs.exists(file)) {
                return problem(entry.name() + " is listed in " + CheckpointLayout.MANIFEST + " but missing");
            }
            FileStatus st = fs.status(file);
            if (st.getLen() != entry.bytes()) {
                return problem(entry.name() + " has " + st.getLen() + " bytes but " + CheckpointLayout.MANIFEST
                        + " says " + entry.bytes() + " (truncated or changed after the save)");
            }
            if (hashFiles) {
                String mismatch = hashMismatch(fs, file, entry);
                if (mismatch != null) {
                    return problem(mismatch);
                }
            }
        }
        return new Inspection(manifest, null);
    }

    /** Null if the file's SHA-256 is the one {@code entry} records, else a sentence saying how it differs. */
    static String hashMismatch(HadoopFs fs, Path file, Manifest.Entry entry) throws IOException {
        MessageDigest sha = Sha256.newDigest();
        try (InputStream in = fs.open(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
            }
        }
        String actual = Sha256.hex(sha.digest());
        if (actual.equals(entry.sha256())) {
            return null;
        }
        return entry.name() + ": checksum mismatch (SHA-256 " + actual + ", " + CheckpointLayout.MANIFEST
                + " says " + entry.sha256() + "): the file was changed or corrupted after the save";
    }

    static byte[] readSmall(HadoopFs fs, Path file) throws IOException {
        long len = fs.status(file).getLen();
        if (len > MAX_MANIFEST_BYTES) {
            throw new CheckpointException(file.getName() + " has " + len + " bytes, more than the " + MAX_MANIFEST_BYTES
                    + " a checkpoint marker or manifest can have");
        }
        try (InputStream in = fs.open(file)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) len);
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static Inspection problem(String why) {
        return new Inspection(null, why);
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
