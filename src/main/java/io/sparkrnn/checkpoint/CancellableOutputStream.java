package io.sparkrnn.checkpoint;

import java.io.OutputStream;

/**
 * A stream whose bytes become visible only on {@link #close()}; {@link #cancel()} discards them.
 * Both are idempotent, and whichever comes first wins (close after cancel does nothing).
 */
public abstract class CancellableOutputStream extends OutputStream {
    /** Discards everything written; the target is left as it was. Never throws. */
    public abstract void cancel();
}
