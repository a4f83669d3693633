package io.sparkrnn.train;

import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * The CPU threads ND4J may use: OpenBLAS's GEMM thread pool ({@code Blas.setMaxThreads}, where most of a training
 * step's time goes) and the threads of ND4J's own OpenMP loops. Both are process-wide and start from
 * OMP_NUM_THREADS (OpenBLAS also reads OPENBLAS_NUM_THREADS), which our launchers set to 1.
 * <p>
 * Only the BLAS count and ND4J's "master" count can change at run time: libnd4j 1.0.0-M2.1 ignores
 * {@code Environment.setMaxThreads} (its maxThreads stays what OMP_NUM_THREADS gave at load, and the master count
 * is capped by it). So ND4J's own loops get more threads only from OMP_NUM_THREADS
 * ({@code spark.executorEnv.OMP_NUM_THREADS}).
 * <p>
 * A replica task that owns c cores sets c: with k such tasks in one executor of k*c cores, k*c threads run and
 * nothing oversubscribes (see docs/PERFORMANCE.md).
 */
public final class Nd4jThreads {
    private Nd4jThreads() { }

    /** Sets the BLAS and ND4J master thread counts to {@code threads} (as far as ND4J allows); true if anything changed. */
    public static synchronized boolean use(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        Environment env = Nd4j.getEnvironment();
        Blas blas = Nd4j.factory().blas();
        int master = Math.min(threads, env.maxThreads());
        if (env.maxMasterThreads() == master && blas.getMaxThreads() == threads) {
            return false;
        }
        env.setMaxMasterThreads(master);
        blas.setMaxThreads(threads);
        return true;
    }

    /** The current settings, for logs and benchmark reports. */
    public static String describe() {
        Environment env = Nd4j.getEnvironment();
        Blas blas = Nd4j.factory().blas();
        return String.format(Locale.ROOT, "ND4J threads %d (master %d, fixed at load), %s threads %d; OMP_NUM_THREADS=%s "
                        + "OPENBLAS_NUM_THREADS=%s OMP_WAIT_POLICY=%s",
                env.maxThreads(), env.maxMasterThreads(), blas.getBlasVendor(), blas.getMaxThreads(),
                envOrUnset("OMP_NUM_THREADS"), envOrUnset("OPENBLAS_NUM_THREADS"), envOrUnset("OMP_WAIT_POLICY"));
    }

    private static String envOrUnset(String name) {
        String value = System.getenv(name);
        return value == null ? "(unset)" : value;
    }
}
