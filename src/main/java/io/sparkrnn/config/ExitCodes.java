package io.sparkrnn.config;

/** The process exit codes of every sparkrnn command; the README lists them for pipeline authors. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A bug or an environment failure nobody anticipated; the message and stack trace say more. */
    public static final int INTERNAL = 1;
    /** Bad command line or configuration: unknown key, wrong type, value out of range. */
    public static final int CONFIG = 2;
    /** The corpus is missing, empty, or too small for the requested replicas and window length. */
    public static final int CORPUS = 3;
    /** A checkpoint is missing, corrupt, of another model shape or vocabulary, or its location is unwritable. */
    public static final int CHECKPOINT = 4;
    /** The run folder is in use: it exists and --fresh was given, or another run holds its lock. */
    public static final int RUN_CONFLICT = 5;
    /** Training diverged: every replica went non-finite, and retries did not help. */
    public static final int DIVERGED = 6;
    /** GPUs were scheduled (--gpu) but an executor's ND4J runs on its CPU backend: the CUDA backend did not load. */
    public static final int NO_GPU_BACKEND = 7;
    /** evaluate --baseline: the candidate is worse than the baseline by more than the allowed margin. */
    public static final int REGRESSION = 10;

    private ExitCodes() { }
}
