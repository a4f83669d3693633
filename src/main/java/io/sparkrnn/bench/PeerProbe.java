package io.sparkrnn.bench;

import java.util.Map;

/**
 * The same single-replica workload trained by another framework (PyTorch on the CPU through DJL). Its
 * implementation lives in {@code src/peers/java} and is compiled only by the {@code peers} Maven profile, so
 * that the normal build does not download libtorch; the harness finds it by name.
 */
interface PeerProbe {
    String IMPLEMENTATION = "io.sparkrnn.bench.PyTorchProbe";

    /** How to get a build with the peer, for the message shown when it is missing. */
    String HOW_TO_ENABLE = "the peer section needs the PyTorch peer, which the normal build leaves out (libtorch is "
            + "about 450 MB): build with 'mvn -Ppeers -DskipTests package' or run "
            + "'SPARKRNN_MAVEN_PROFILES=peers deploy/sparkrnn bench --sections peer'";

    /**
     * Trains {@code workload} for {@code warmupSteps}, then {@code rounds} timed windows of {@code stepsPerRound}
     * steps, after measuring the framework's own float GEMM 1024^3 in this JVM.
     *
     * @return at least {@code gemmGflops}, {@code peerTokensPerSecond}, {@code peerBestTokensPerSecond}
     */
    Map<String, Object> run(ReplicaCase workload, int warmupSteps, int rounds, int stepsPerRound) throws Exception;

    /** True if this build contains the peer. */
    static boolean available() {
        try {
            Class.forName(IMPLEMENTATION, false, PeerProbe.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static PeerProbe load() throws ReflectiveOperationException {
        if (!available()) {
            throw new IllegalStateException(HOW_TO_ENABLE);
        }
        return (PeerProbe) Class.forName(IMPLEMENTATION).getDeclaredConstructor().newInstance();
    }
}
