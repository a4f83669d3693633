package io.sparkrnn.bench;

import io.sparkrnn.train.Nd4jThreads;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** What the figures depend on: cores, CPU, Java, the ND4J backend and its BLAS and thread settings. */
final class MachineFacts {
    private MachineFacts() { }

    static void report(BenchReport report, String commandLine) {
        report.line("command: %s", commandLine);
        report.line("cores: %d, CPU: %s", Runtime.getRuntime().availableProcessors(), cpuModel());
        report.line("java: %s %s (%s)", System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("java.vendor"));
        Map<String, Object> env = new TreeMap<>();
        Nd4j.getExecutioner().getEnvironmentInformation().forEach((k, v) -> env.put(String.valueOf(k), v));
        env.remove("memoryBandwidth");
        report.line("ND4J: backend %s, data type %s, %s", Nd4j.getBackend().getClass().getSimpleName(),
                Nd4j.dataType(), env);
        report.line("threads of this JVM: %s", Nd4jThreads.describe());
        report.line("BLAS library loaded: %s", blasLibrary());
        report.line("%s at start", LoadAverage.now());
    }

    /**
     * The OpenBLAS shared library this JVM mapped and the version string compiled into it: the build unpacks a newer
     * OpenBLAS over nd4j's (see pom.xml), and this shows which one a run really used.
     */
    static String blasLibrary() {
        try {
            String path = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .filter(l -> l.contains("libopenblas")).map(l -> l.substring(l.indexOf('/')))
                    .findFirst().orElse(null);
            if (path == null) {
                return "none mapped";
            }
            Path real = Path.of(path).toRealPath();
            return real + " (" + versionIn(Files.readAllBytes(real)) + ")";
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String versionIn(byte[] library) {
        String text = new String(library, java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("OpenBLAS \\d+\\.\\d+\\.\\d+").matcher(text);
        return m.find() ? m.group() : "version not found";
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown") + flags();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String flags() throws IOException {
        String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("flags")).findFirst().orElse("");
        return flags.contains(" avx512f") ? ", AVX-512" : flags.contains(" avx2") ? ", AVX2" : "";
    }
}
