package io.sparkrnn.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/** Float GEMM n x n x n through ND4J (OpenBLAS sgemm), in the JVM's current thread settings. */
final class GemmProbe {
    private GemmProbe() { }

    /**
     * @return GFLOP/s of each of {@code repeats} timed windows of about {@code seconds}, after one warm-up window
     */
    static double[] measure(int n, int repeats, double seconds) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        double[] gflops = new double[repeats + 1];
        for (int r = 0; r <= repeats; r++) {
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            int calls = 0;
            do {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                calls++;
            } while (System.nanoTime() < deadline);
            gflops[r] = 2.0 * n * n * (double) n * calls / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
        return Arrays.copyOfRange(gflops, 1, gflops.length);
    }
}
