package io.sparkrnn.dist;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * ND4J's own device switch: on a CUDA backend (built with -Pcuda) {@code AffinityManager.unsafeSetDevice}
 * makes every array and op of this thread use the given GPU from then on. On the CPU backend there is no
 * device to choose and this does nothing, once warning that GPUs were scheduled for a CPU build.
 */
public final class Nd4jDeviceBinder implements DeviceBinder {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Nd4jDeviceBinder.class);
    private static final AtomicBoolean WARNED_CPU = new AtomicBoolean();

    @Override
    public void bind(int device) {
        if (Nd4j.getEnvironment().isCPU()) {
            if (WARNED_CPU.compareAndSet(false, true)) {
                LOG.warn("Spark gave this task GPU {} but ND4J runs on its CPU backend (nd4j-native): training on CPU. "
                        + "Build the application with 'mvn -Pcuda package' to use the GPUs.", device);
            }
            return;
        }
        int devices = Nd4j.getAffinityManager().getNumberOfDevices();
        if (device >= devices) {
            throw new IllegalStateException("Spark gave this task GPU " + device + " but ND4J sees only " + devices
                    + " device(s) (0.." + (devices - 1) + "); the GPU discovery script must print the indexes "
                    + "nvidia-smi shows, and CUDA_VISIBLE_DEVICES must not hide them from the executor");
        }
        Nd4j.getAffinityManager().unsafeSetDevice(device);
    }
}
