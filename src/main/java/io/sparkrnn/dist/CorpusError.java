package io.sparkrnn.dist;

/** The corpus cannot be used as given; the message says which input and how to fix it (exit code 3). */
public final class CorpusError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorpusError(String message) {
        super(message);
    }

    public CorpusError(String message, Throwable cause) {
        super(message, cause);
    }
}
