package io.sparkrnn.dist;

/**
 * A run that cannot start or continue for a reason the user can fix: an existing run with --fresh, a checkpoint
 * of another model shape, an unwritable checkpoint location. Carries the CLI exit code.
 */
public final class RunError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public RunError(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public RunError(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public int exitCode() { return exitCode; }
}
