package io.sparkrnn.dist;

import org.apache.spark.TaskContext;

import java.util.function.IntFunction;

/**
 * What a Spark task does to run a network, whatever it runs it for (a replica, an evaluation, scoring in
 * {@code io.sparkrnn.ml}): the work runs on a thread of the GPU Spark gave the task, if any ({@link DeviceThreads}:
 * ND4J's per-thread state never changes device), with as many BLAS threads as the task has cores
 * ({@link ReplicaThreads}).
 */
public final class TaskResources {
    private TaskResources() { }

    /** Runs {@code work} with the calling task's device (a GPU index, or -1 for the CPU) and returns its result. */
    public static <T> T onTaskDevice(DeviceBinder binder, IntFunction<T> work) {
        TaskContext task = TaskContext.get();
        int device = TaskDevice.of(task);
        return DeviceThreads.run(task, device, binder, () -> {
            ReplicaThreads.applyForCurrentTask();
            return work.apply(device);
        });
    }
}
