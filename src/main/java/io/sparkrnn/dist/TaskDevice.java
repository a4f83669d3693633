package io.sparkrnn.dist;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import java.util.Map;
import java.util.OptionalInt;

/**
 * The GPU Spark's resource scheduling assigned to the running task (spark.task.resource.gpu.amount), if any:
 * each replica task's work runs on a thread bound to it ({@link DeviceThreads}) before it touches a network, so
 * replicas sharing an executor never share a device. Without GPU scheduling tasks run on the CPU.
 */
final class TaskDevice {
    /** The device value meaning "no GPU: ND4J's CPU backend or its default device". */
    static final int CPU = -1;
    static final String GPU_RESOURCE = "gpu";

    private TaskDevice() { }

    /** The GPU Spark assigned the task, or {@link #CPU}; its work runs bound to it ({@link DeviceThreads}). */
    static int of(TaskContext task) {
        return (task == null ? OptionalInt.empty() : gpuOf(task.resourcesJMap())).orElse(CPU);
    }

    /** The first GPU address among a task's resources, as a device index. */
    static OptionalInt gpuOf(Map<String, ResourceInformation> resources) {
        ResourceInformation gpus = resources.get(GPU_RESOURCE);
        if (gpus == null || gpus.addresses().length == 0) {
            return OptionalInt.empty();
        }
        String address = gpus.addresses()[0];
        try {
            return OptionalInt.of(Integer.parseInt(address.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("GPU address '" + address + "' given to this task is not a device index; "
                    + "the discovery script (spark.executor.resource.gpu.discoveryScript or spark.worker.resource.gpu."
                    + "discoveryScript) must print indexes such as [\"0\",\"1\"], as deploy/gpu/discover-gpus.sh does");
        }
    }

    static String describe(int device) {
        return device == CPU ? "CPU" : "GPU " + device;
    }
}
