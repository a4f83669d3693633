package io.sparkrnn.dist;

import org.apache.spark.TaskContext;

/**
 * What a Spark task does before it runs a network, whatever it runs it for (a replica, an evaluation, scoring in
 * {@code io.sparkrnn.ml}): bind ND4J to the GPU Spark gave the task, if any ({@link TaskDevice}), and give BLAS as
 * many threads as the task has cores ({@link ReplicaThreads}).
 */
public final class TaskResources {
    /** The device value of a task without a GPU. */
    public static final int CPU = TaskDevice.CPU;

    private TaskResources() { }

    /** Prepares the calling task's thread; returns its device (an index) or {@link #CPU}. */
    public static int bindCurrentTask(DeviceBinder binder) {
        int device = TaskDevice.bind(TaskContext.get(), binder);
        ReplicaThreads.applyForCurrentTask();
        return device;
    }

    public static String describe(int device) {
        return TaskDevice.describe(device);
    }
}
