package io.sparkrnn.checkpoint;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Receives the files of one checkpoint. The body streams the file's bytes into the given stream, so a
 * model never has to be held in memory as one byte array. The body may close the stream (a
 * ZipOutputStream does); the writer closes the real file itself afterwards.
 */
@FunctionalInterface
public interface CheckpointWriter {
    /**
     * Writes one file. {@code name} is a plain file name (no '/'), not starting with '.' or '_', and
     * not {@code checksums.json}; each name at most once per checkpoint.
     */
    void file(String name, IOConsumer<OutputStream> body) throws IOException;
}
