package io.sparkrnn.checkpoint;

import java.io.IOException;

/** Another live training run holds the run folder's lock; the message names it (exit code 5). */
public final class RunLockConflict extends IOException {
    private static final long serialVersionUID = 1L;

    public RunLockConflict(String message) {
        super(message);
    }
}
