package io.sparkrnn.checkpoint;

import java.io.IOException;

/**
 * A checkpoint problem the user can act on. The message says what is wrong (naming the path) and
 * what to do about it; the cause, if any, is the underlying Hadoop error.
 */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
