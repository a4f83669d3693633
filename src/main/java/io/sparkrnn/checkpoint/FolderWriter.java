package io.sparkrnn.checkpoint;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Writes the files of one checkpoint into its (temporary) folder, hashing each while it streams, then
 * {@code checksums.json} and finally {@code _COMPLETE}. {@code _COMPLETE} holds the SHA-256 of
 * {@code checksums.json}, so a damaged manifest is caught too.
 */
final class FolderWriter implements CheckpointWriter {
    private final HadoopFs fs;
    private final Path folder;
    private final FsPermission permission;
    private final Map<String, Manifest.Entry> written = new LinkedHashMap<>();
    private boolean finished;

    FolderWriter(HadoopFs fs, Path folder, FsPermission permission) {
        this.fs = fs;
        this.folder = folder;
        this.permission = permission;
    }

    @Override
    public void file(String name, IOConsumer<OutputStream> body) throws IOException {
        if (finished) {
            throw new IllegalStateException("checkpoint file \"" + name + "\" written after the checkpoint was finished; "
                    + "write every file inside CheckpointContents.writeTo");
        }
        CheckpointLayout.checkFileName(name);
        if (written.containsKey(name)) {
            throw new IllegalArgumentException("checkpoint file \"" + name + "\" written twice in one checkpoint");
        }
        MessageDigest sha = Sha256.newDigest();
        long[] bytes = new long[1];
        fs.writeFile(new Path(folder, name), permission, raw -> {
            CountingCloseShield counted = new CountingCloseShield(raw);
            DigestOutputStream out = new DigestOutputStream(counted, sha);
            body.accept(out);
            out.flush();
            bytes[0] = counted.count;
        });
        written.put(name, new Manifest.Entry(name, bytes[0], Sha256.hex(sha.digest())));
    }

    /** Writes checksums.json and then _COMPLETE; after this the folder is a complete checkpoint. */
    Manifest finish(long round, double validationLoss) throws IOException {
        finished = true;
        Manifest manifest = new Manifest(round, validationLoss, written);
        byte[] json = manifest.toJson();
        writeSmall(CheckpointLayout.MANIFEST, json);
        writeSmall(CheckpointLayout.COMPLETE, (Sha256.of(json) + "\n").getBytes(StandardCharsets.US_ASCII));
        return manifest;
    }

    private void writeSmall(String name, byte[] bytes) throws IOException {
        fs.writeFile(new Path(folder, name), permission, out -> out.write(bytes));
    }

    /**
     * Counts bytes and ignores close(): callers' serialisers (ZipOutputStream, Jackson) close the stream
     * they are given, but the writer must sync and close the real file itself. FilterOutputStream's
     * array write goes byte by byte, hence the override.
     */
    private static final class CountingCloseShield extends FilterOutputStream {
        long count;

        CountingCloseShield(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
