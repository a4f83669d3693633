package io.sparkrnn.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkrnn.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Airflow DAG (deploy/airflow/spark_rnn_nightly.py), checked with Python's own tools because no Airflow can be
 * installed on the build machines: it compiles, it calls nothing at import time but DAG and operator constructors,
 * and every task is a spark-submit of the tested entry point ({@code sparkrnn nightly}, NightlyPipelineSuite) with
 * the dependency jars and the ND4J sizing deploy/spark-submit.sh adds. Its syntax tree is read by check_dag.py.
 */
class DagSyntaxTest {
    private static final Path ROOT = Path.of(System.getProperty("project.basedir", "."));
    private static final Path DAG = ROOT.resolve("deploy/airflow/spark_rnn_nightly.py");
    private static final Path CHECKER = ROOT.resolve("src/test/resources/io/sparkrnn/deploy/check_dag.py");
    /** The two template forms the DAG uses: a Variable with its default, and the logical date. */
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{ var\\.value\\.get\\('[a-z_]+', '([^']*)'\\) }}");

    @Test
    void everyTaskSubmitsTheNightlyCommandWithTheDependencyJarsAndTheNd4jSizing(@TempDir Path temp) throws Exception {
        JsonNode tasks = checkDag(DAG).path("tasks");
        assertTrue(tasks.size() >= 1, "no task in " + DAG);
        Wrapper wrapper = wrapperSparkConf(temp);
        for (JsonNode task : tasks) {
            String where = "task at line " + task.path("line").asInt() + ": ";
            JsonNode a = task.path("arguments");
            assertEquals("SparkSubmitOperator", task.path("operator").asText(), where);
            assertEquals("io.sparkrnn.cli.Main", a.path("java_class").asText(), where);
            String application = a.path("application").asText();
            assertTrue(application.endsWith("/spark-rnn.jar"), where + application);
            String home = application.substring(0, application.length() - "/spark-rnn.jar".length());
            assertEquals(home + "/lib/*.jar", a.path("jars").asText(), where + "the dependency jars of the same installation");

            List<String> args = new ArrayList<>();
            a.path("application_args").forEach(arg -> args.add(render(arg.asText())));
            assertEquals("nightly", args.get(0), where + args);
            // The arguments parse as the real command's options (a typo would fail the task at run time).
            CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(args.toArray(new String[0]));
            assertEquals("nightly", parsed.subcommand().commandSpec().name());
            assertTrue(parsed.subcommand().hasMatchedOption("--run-id") && parsed.subcommand().hasMatchedOption("--conf"));

            Map<String, String> conf = new LinkedHashMap<>();
            a.path("conf").fields().forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
            assertEquals(wrapper.conf().keySet(), conf.keySet(), where + "the same Spark settings as deploy/spark-submit.sh");
            for (Map.Entry<String, String> e : wrapper.conf().entrySet()) {
                assertEquals(e.getValue(), conf.get(e.getKey()), where + e.getKey());
            }
            assertTrue(conf.get("spark.executor.extraJavaOptions").contains("-Dorg.bytedeco.javacpp.maxbytes="));
            assertEquals(wrapper.driverMemory(), a.path("driver_memory").asText(), where + "driver memory");
        }
    }

    @Test
    void aDagThatReadsAtImportTimeIsRefused(@TempDir Path temp) throws Exception {
        String dag = Files.readString(DAG, StandardCharsets.UTF_8);
        Path reading = Files.writeString(temp.resolve("reading.py"), dag.replace("MAIN_CLASS = \"io.sparkrnn.cli.Main\"",
                "MAIN_CLASS = open('/opt/spark-rnn/main-class.txt').read()"));
        Result result = python(reading);
        assertEquals(1, result.code, result.out + result.err);
        int line = dag.lines().toList().indexOf("MAIN_CLASS = \"io.sparkrnn.cli.Main\"") + 1;
        assertTrue(result.err.contains("line " + line + ": open(") && result.err.contains("runs at import time"), result.err);

        Path broken = Files.writeString(temp.resolve("broken.py"), dag + "\nwith DAG(:\n");
        assertEquals(1, python(broken).code, "a syntax error fails");
    }

    private static JsonNode checkDag(Path dag) throws Exception {
        Result result = python(dag);
        assertEquals(0, result.code, "check_dag.py failed on " + dag + ":\n" + result.err);
        return new ObjectMapper().readTree(result.out);
    }

    /** What deploy/spark-submit.sh passes with its defaults: its --conf settings and --driver-memory, Java 17 flags dropped. */
    private static Wrapper wrapperSparkConf(Path temp) throws Exception {
        Path lib = Files.createDirectories(temp.resolve("install/lib"));
        Files.write(lib.resolve("a-dependency.jar"), new byte[0]);   // a dry run only checks that they exist
        Files.write(temp.resolve("install/spark-rnn.jar"), new byte[0]);
        Files.createDirectories(temp.resolve("spark/jars"));
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("deploy/spark-submit.sh").toString(), "--dry-run",
                "nightly");
        pb.environment().put("SPARK_HOME", temp.resolve("spark").toString());
        pb.environment().put("APP_JAR", temp.resolve("install/spark-rnn.jar").toString());
        pb.environment().put("APP_LIB", lib.toString());
        for (String sizing : List.of("EXECUTOR_MEMORY", "ND4J_OFFHEAP", "NATIVE_OVERHEAD", "DRIVER_MEMORY",
                "ND4J_DRIVER_OFFHEAP", "OMP_THREADS", "EXECUTOR_JAVA_OPTS")) {
            pb.environment().remove(sizing);
        }
        Result result = run(pb);
        assertEquals(0, result.code, result.err);
        List<String> words = shellWords(result.out.trim());
        assertTrue(words.contains("--jars") && words.get(words.indexOf("--jars") + 1).equals(lib + "/*.jar"), result.out);
        List<String> java17 = Files.readAllLines(ROOT.resolve("deploy/java17-opens.txt")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        Map<String, String> conf = new LinkedHashMap<>();
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("--conf")) {
                String[] kv = words.get(i + 1).split("=", 2);
                List<String> options = new ArrayList<>(List.of(kv[1].split(" ")));
                options.removeAll(java17);
                conf.put(kv[0], String.join(" ", options));
            }
        }
        assertFalse(conf.isEmpty(), result.out);
        return new Wrapper(conf, words.get(words.indexOf("--driver-memory") + 1));
    }

    /** The DAG's Jinja templates with the Variables' defaults and a logical date. */
    private static String render(String template) {
        Matcher m = VARIABLE.matcher(template);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1))).replace("{{ ds_nodash }}", "20250102");
    }

    /** Splits bash's printf %q output into words: unescaped spaces separate, a backslash quotes the next character. */
    private static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else if (c == ' ') {
                words.add(word.toString());
                word.setLength(0);
            } else {
                word.append(c);
            }
        }
        words.add(word.toString());
        return words;
    }

    private static Result python(Path dag) throws IOException, InterruptedException {
        return run(new ProcessBuilder("python3", CHECKER.toString(), dag.toString()));
    }

    private static Result run(ProcessBuilder pb) throws IOException, InterruptedException {
        Path out = Files.createTempFile("dag-check", ".out");
        Path err = Files.createTempFile("dag-check", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + pb.command());
        Result result = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    private record Result(int code, String out, String err) { }

    /** deploy/spark-submit.sh's --conf settings (without the Java 17 flags) and --driver-memory. */
    private record Wrapper(Map<String, String> conf, String driverMemory) { }
}
