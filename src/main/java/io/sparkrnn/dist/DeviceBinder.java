package io.sparkrnn.dist;

import java.io.Serializable;

/**
 * Points ND4J at one GPU for the calling thread, so that the replica's network, its arrays and its kernels
 * live on the device Spark gave the task. Travels inside the task closures, hence serializable. The real one
 * is {@link Nd4jDeviceBinder}; tests on machines without GPUs pass one that records the calls.
 */
public interface DeviceBinder extends Serializable {
    /** Binds the current thread to device {@code device} (an index as nvidia-smi numbers them). */
    void bind(int device);
}
