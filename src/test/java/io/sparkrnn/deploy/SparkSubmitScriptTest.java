package io.sparkrnn.deploy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/spark-submit.sh sizes JavaCPP's off-heap caps and spark.executor.memoryOverhead from the executor memory
 * spark-submit will really use, however it is given. The script runs for real, against a SPARK_HOME whose
 * bin/spark-submit only prints the arguments it gets.
 */
class SparkSubmitScriptTest {
    @TempDir
    Path dir;
    private Path sparkHome;
    private final Map<String, String> env = new LinkedHashMap<>();

    /** What the fake spark-submit received: its arguments, and the last value of each --conf key (the one that wins). */
    private static final class Submitted {
        final int exitCode;
        final List<String> args;
        final String stderr;
        final Map<String, String> conf = new LinkedHashMap<>();

        Submitted(int exitCode, List<String> args, String stderr) {
            this.exitCode = exitCode;
            this.args = args;
            this.stderr = stderr;
            // spark-submit's own options end where the application begins (its --conf is the application's).
            for (int i = 0; i < args.size() && !args.get(i).equals("--class"); i++) {
                String arg = args.get(i);
                String kv = arg.equals("--conf") && i + 1 < args.size() ? args.get(++i)
                        : arg.startsWith("--conf=") ? arg.substring("--conf=".length()) : null;
                if (kv != null) {
                    conf.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
        }

        String executorJava() { return conf.get("spark.executor.extraJavaOptions"); }
    }

    @BeforeEach
    void fakeSparkHomeAndApplication() throws IOException {
        sparkHome = Files.createDirectories(dir.resolve("spark-home"));
        Path bin = Files.createDirectories(sparkHome.resolve("bin"));
        Path submit = Files.writeString(bin.resolve("spark-submit"), "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.write(lib.resolve("dependency.jar"), new byte[0]);
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("APP_JAR", Files.write(dir.resolve("spark-rnn.jar"), new byte[0]).toString());
        env.put("APP_LIB", lib.toString());
    }

    private Submitted submit(String... args) throws IOException, InterruptedException {
        Path script = Paths.get(System.getProperty("project.basedir", ".")).resolve("deploy/spark-submit.sh");
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        for (String inherited : List.of("EXECUTOR_MEMORY", "ND4J_OFFHEAP", "NATIVE_OVERHEAD", "SPARK_CONF_DIR",
                "EXECUTOR_JAVA_OPTS")) {
            builder.environment().remove(inherited);
        }
        builder.environment().putAll(env);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "spark-submit.sh did not finish");
        return new Submitted(process.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Heap, ND4J's off-heap cap and the native overhead (512m by default), all in MB. */
    private static void assertSizedFor(Submitted s, long heap, long offHeap, long overhead) {
        assertEquals(0, s.exitCode, s.stderr);
        assertEquals(heap, megabytes(s.conf.get("spark.executor.memory")), s.args.toString());
        assertTrue(s.executorJava().contains("-Dorg.bytedeco.javacpp.maxbytes=" + offHeap + "m"), s.executorJava());
        assertTrue(s.executorJava().contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=" + (heap + offHeap + 512) + "m"),
                s.executorJava());
        assertEquals(overhead + "m", s.conf.get("spark.executor.memoryOverhead"), s.args.toString());
        assertEquals("train", s.args.get(s.args.indexOf("io.sparkrnn.cli.Main") + 2), "the application's arguments follow");
    }

    /** A size as spark-submit reads spark.executor.memory ("6g", "6144m", "6144"), in MB. */
    private static long megabytes(String size) {
        String v = size.toLowerCase();
        long n = Long.parseLong(v.replaceAll("[^0-9]", ""));
        return v.endsWith("g") ? n * 1024 : n;
    }

    @Test
    void withoutAnySettingTheDefaultTwoGigabyteHeapIsSized() throws Exception {
        assertSizedFor(submit("--master", "yarn", "train", "--conf", "cluster.conf"), 2048, 2048, 2560);
    }

    @Test
    void executorMemoryOnTheCommandLineSizesTheCapsInEveryForm() throws Exception {
        assertSizedFor(submit("--executor-memory", "8g", "train"), 8192, 8192, 8704);
        assertSizedFor(submit("--executor-memory=8G", "train"), 8192, 8192, 8704);
        assertSizedFor(submit("--conf", "spark.executor.memory=6g", "train"), 6144, 6144, 6656);
        Submitted equalsForm = submit("--conf=spark.executor.memory=3072m", "--master", "local[2]", "train");
        assertSizedFor(equalsForm, 3072, 3072, 3584);
        assertTrue(equalsForm.args.containsAll(List.of("--master", "local[2]")), "--conf=k=v takes one argument only");
        // spark-submit gives --executor-memory precedence over --conf spark.executor.memory.
        assertSizedFor(submit("--conf", "spark.executor.memory=1g", "--executor-memory", "4g", "train"), 4096, 4096, 4608);
    }

    @Test
    void theSparkDefaultsOfSparkConfDirAreReadAndAGivenOverheadIsKept() throws Exception {
        Path confDir = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(confDir.resolve("spark-defaults.conf"),
                "# cluster defaults\nspark.executor.memory      5g\nspark.executor.memoryOverhead=3g\n");
        env.put("SPARK_CONF_DIR", confDir.toString());
        assertSizedFor(submit("train"), 5120, 3072 - 512, 3072);
        // The command line wins over the file, as in spark-submit.
        assertSizedFor(submit("--executor-memory", "7g", "train"), 7168, 3072 - 512, 3072);
        env.remove("SPARK_CONF_DIR");
        assertSizedFor(submit("--properties-file", confDir.resolve("spark-defaults.conf").toString(), "train"),
                5120, 3072 - 512, 3072);
        env.put("EXECUTOR_MEMORY", "1g");
        env.put("ND4J_OFFHEAP", "768m");
        assertSizedFor(submit("train"), 1024, 768, 1280);
    }

    @Test
    void extraExecutorJavaOptionsAreAddedToTheLimitsNotInTheirPlace() throws Exception {
        Submitted s = submit("--conf", "spark.executor.extraJavaOptions=-XX:+UseG1GC -Dmy.flag=1", "train");
        assertSizedFor(s, 2048, 2048, 2560);
        assertTrue(s.executorJava().endsWith(" -XX:+UseG1GC -Dmy.flag=1"), s.executorJava());
        assertEquals(1, s.args.stream().filter(a -> a.startsWith("spark.executor.extraJavaOptions=")).count(), s.args.toString());
    }

    @Test
    void anUnreadableSizeOrAnOverheadTooSmallForND4JIsRefused() throws Exception {
        Submitted unreadable = submit("--executor-memory", "lots", "train");
        assertEquals(1, unreadable.exitCode);
        assertTrue(unreadable.stderr.contains("cannot read size 'lots'"), unreadable.stderr);
        Submitted tooSmall = submit("--conf", "spark.executor.memoryOverhead=384m", "train");
        assertEquals(1, tooSmall.exitCode);
        assertTrue(tooSmall.stderr.contains("spark.executor.memoryOverhead=384m leaves ND4J no off-heap memory"),
                tooSmall.stderr);
    }
}
