package io.sparkrnn.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link BenchChild} probe in a new JVM with the given environment (the thread variables ND4J and OpenBLAS
 * read at load time), with this JVM's class path and JVM flags, and returns its result lines.
 */
final class ChildJvm {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final File logDir;

    ChildJvm(File logDir) {
        this.logDir = logDir;
    }

    /** Starts the probe without waiting. */
    Process start(String label, Map<String, String> env, List<String> probeArgs) throws IOException {
        return start(label, env, List.of(), probeArgs);
    }

    /** Starts the probe without waiting, with {@code jvmFlags} after this JVM's own flags. */
    Process start(String label, Map<String, String> env, List<String> jvmFlags, List<String> probeArgs)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!flag.startsWith("-agentlib") && !flag.startsWith("-XX:StartFlightRecording")) {
                command.add(flag);
            }
        }
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchChild.class.getName());
        command.addAll(probeArgs);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        // Spark in the distributed probe stays on loopback, as under our launchers.
        builder.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
        logDir.mkdirs();
        builder.redirectErrorStream(true);
        builder.redirectOutput(new File(logDir, label + ".log"));
        return builder.start();
    }

    /** Waits for a started probe and returns its results; fails with the log's tail if it failed. */
    List<Map<String, Object>> results(String label, Process process, long timeoutMinutes)
            throws IOException, InterruptedException {
        File log = new File(logDir, label + ".log");
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("probe " + label + " did not finish in " + timeoutMinutes + " minutes; see " + log);
        }
        List<String> lines = Files.readAllLines(log.toPath());
        if (process.exitValue() != 0) {
            throw new IOException("probe " + label + " failed (exit " + process.exitValue() + "): "
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith(BenchChild.RESULT_PREFIX)) {
                results.add(JSON.readValue(line.substring(BenchChild.RESULT_PREFIX.length()),
                        new TypeReference<Map<String, Object>>() { }));
            }
        }
        return results;
    }

    List<Map<String, Object>> run(String label, Map<String, String> env, List<String> probeArgs, long timeoutMinutes)
            throws IOException, InterruptedException {
        return results(label, start(label, env, probeArgs), timeoutMinutes);
    }

    List<Map<String, Object>> run(String label, Map<String, String> env, List<String> jvmFlags,
            List<String> probeArgs, long timeoutMinutes) throws IOException, InterruptedException {
        return results(label, start(label, env, jvmFlags, probeArgs), timeoutMinutes);
    }
}
