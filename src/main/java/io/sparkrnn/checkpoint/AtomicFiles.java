package io.sparkrnn.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Replace-a-file-atomically, like Spark's {@code CheckpointFileManager.createAtomic}: readers see either
 * the old file or the complete new one, never a partial one.
 */
public interface AtomicFiles {
    /**
     * A stream that writes a temporary file in {@code path}'s folder; {@code close()} renames it over
     * {@code path} (replacing it), {@code cancel()} deletes it.
     */
    CancellableOutputStream createAtomic(Path path, FsPermission permission) throws IOException;

    /** Writes {@code path} atomically; if {@code body} throws, the write is cancelled and the old file stays. */
    default void writeAtomic(Path path, FsPermission permission, IOConsumer<OutputStream> body) throws IOException {
        CancellableOutputStream out = createAtomic(path, permission);
        try {
            body.accept(out);
        } catch (Throwable t) {
            out.cancel();
            throw t;
        }
        out.close();
    }
}
