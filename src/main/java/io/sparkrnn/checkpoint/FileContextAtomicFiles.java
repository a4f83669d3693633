package io.sparkrnn.checkpoint;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AtomicFiles} over Hadoop's FileContext: write {@code <name>.tmp-<uuid>} next to the target,
 * then {@code FileContext.rename(tmp, target, OVERWRITE)}. The temp file is in the same folder so the
 * rename never crosses a mount or a volume.
 *
 * <p>Atomic on HDFS ({@code Hdfs.renameInternal} is one NameNode operation). NOT atomic on file:// in
 * Hadoop 3.3: only Hdfs overrides {@code AbstractFileSystem.renameInternal(src, dst, overwrite)}, whose
 * default deletes the target and then renames, so a crash in between leaves no target. Readers must
 * therefore cope with a missing file; CheckpointStore does (a missing LATEST falls back to the newest
 * intact checkpoint folder, which is always published before LATEST).
 */
public final class FileContextAtomicFiles implements AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(FileContextAtomicFiles.class);

    private final HadoopFs fs;

    FileContextAtomicFiles(HadoopFs fs) {
        this.fs = fs;
    }

    /** Atomic files on the file system of {@code anyPath} (scheme-less: the default file system). */
    public static FileContextAtomicFiles forPath(Path anyPath, Configuration conf) throws IOException {
        return new FileContextAtomicFiles(HadoopFs.forPath(anyPath, conf));
    }

    /** The temp name for {@code target}: same folder, recognisable, unique per writer. */
    static Path tempPathFor(Path target) {
        return new Path(target.getParent(), target.getName() + ".tmp-" + UUID.randomUUID());
    }

    @Override
    public CancellableOutputStream createAtomic(Path path, FsPermission permission) throws IOException {
        Path temp = tempPathFor(path);
        return new RenameOnClose(fs.create(temp, permission), temp, path);
    }

    private final class RenameOnClose extends CancellableOutputStream {
        private final FSDataOutputStream out;
        private final Path temp;
        private final Path target;
        private boolean done;

        RenameOnClose(FSDataOutputStream out, Path temp, Path target) {
            this.out = out;
            this.temp = temp;
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            checkOpen();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkOpen();
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            checkOpen();
            out.flush();
        }

        private void checkOpen() throws IOException {
            if (done) {
                throw new IOException("atomic write of " + target + " is already closed or cancelled");
            }
        }

        @Override
        public void close() throws IOException {
            if (done) {
                return;
            }
            done = true;
            try {
                HadoopFs.sync(out);
                out.close();
                fs.rename(temp, target, true);
            } catch (IOException | RuntimeException e) {
                deleteQuietly();
                throw e;
            }
        }

        @Override
        public void cancel() {
            if (done) {
                return;
            }
            done = true;
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Closing cancelled temp file {} failed", temp, e);
            }
            deleteQuietly();
        }

        private void deleteQuietly() {
            try {
                fs.delete(temp, false);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not delete temp file {} ({}); it is harmless and removed by the next checkpoint save", temp, e.toString());
            }
        }
    }
}
