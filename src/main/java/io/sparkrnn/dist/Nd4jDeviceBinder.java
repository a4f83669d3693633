package io.sparkrnn.dist;

import io.sparkrnn.config.ExitCodes;
import org.nd4j.linalg.factory.Nd4j;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * ND4J's own device switch: on a CUDA backend (built with -Pcuda) {@code AffinityManager.unsafeSetDevice}
 * makes every array and op of this thread use the given GPU from then on ({@link DeviceThreads} keeps each thread
 * on one GPU). On the CPU backend it refuses: the task was given a GPU, and ND4J fell back to the CPU because its
 * CUDA backend is missing or did not load; training on the CPU while the GPUs sit reserved is not what was asked.
 */
public final class Nd4jDeviceBinder implements DeviceBinder {
    private static final long serialVersionUID = 1L;
    /** A class of nd4j-cuda-11.6: present when the application was built with -Pcuda. */
    static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";

    @Override
    public void bind(int device) {
        if (Nd4j.getEnvironment().isCPU()) {
            throw new RunError(ExitCodes.NO_GPU_BACKEND, cpuBackendMessage(device, cudaBackendPresent()));
        }
        int devices = Nd4j.getAffinityManager().getNumberOfDevices();
        if (device >= devices) {
            throw new IllegalStateException("Spark gave this task GPU " + device + " but ND4J sees only " + devices
                    + " device(s) (0.." + (devices - 1) + "); the GPU discovery script must print the indexes "
                    + "nvidia-smi shows, and CUDA_VISIBLE_DEVICES must not hide them from the executor");
        }
        Nd4j.getAffinityManager().unsafeSetDevice(device);
    }

    static String cpuBackendMessage(int device, boolean cudaBackendPresent) {
        return "Spark gave this task GPU " + device + " (Spark GPU scheduling, deploy/spark-submit.sh --gpu), but ND4J "
                + "runs on its CPU backend in this executor (" + hostName() + ", pid " + ProcessHandle.current().pid() + "): "
                + (cudaBackendPresent
                ? "the application has ND4J's CUDA backend (nd4j-cuda-11.6 1.0.0-M2.1) but it did not load here. "
                        + "It needs the NVIDIA driver, the CUDA 11.6 runtime libraries and, for the -Pcudnn build, "
                        + "cuDNN 8.3 on every GPU node (or in the image); ND4J's warning at the top of this executor's "
                        + "log names what is missing. "
                : "the application was built without ND4J's CUDA backend; build it with "
                        + "'mvn -Pcuda -DskipTests package' (nd4j-cuda-11.6 1.0.0-M2.1: CUDA 11.6, cuDNN 8.3). ")
                + "The run stops rather than train on the CPU while the GPUs sit reserved; to train on CPUs, "
                + "submit without --gpu (see deploy/README.md, GPUs)";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "host unknown";
        }
    }

    private static boolean cudaBackendPresent() {
        try {
            Class.forName(CUDA_BACKEND_CLASS, false, Nd4jDeviceBinder.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
