package io.sparkrnn.testing;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to spark-submit to a {@link StandaloneClusterFixture} (client deploy mode: the driver is the
 * SparkSubmit JVM the fixture launches). Mutable builder; every setter returns {@code this}.
 * <pre>
 * SubmitRequest.of(appJar, "io.sparkrnn.cli.Main")
 *     .args("train", "--config", conf)
 *     .jars(dependencyJars)                        // --jars: shipped to the executors
 *     .conf("spark.executor.memory", "768m")
 *     .env("SPARKRNN_LOG", "debug")
 *     .timeout(Duration.ofMinutes(5));
 * </pre>
 */
public final class SubmitRequest {

  final File appJar;
  final String mainClass;
  final List<String> args = new ArrayList<>();
  final Map<String, String> conf = new LinkedHashMap<>();
  final List<File> jars = new ArrayList<>();
  final List<File> driverClassPath = new ArrayList<>();
  final Map<String, String> env = new LinkedHashMap<>();
  final List<String> driverJavaOptions = new ArrayList<>();
  String driverMemory = "512m";
  Duration timeout = Duration.ofMinutes(3);
  String name;

  private SubmitRequest(File appJar, String mainClass) {
    this.appJar = Objects.requireNonNull(appJar, "appJar");
    this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
  }

  public static SubmitRequest of(File appJar, String mainClass) {
    return new SubmitRequest(appJar, mainClass);
  }

  /** Application arguments, appended. */
  public SubmitRequest args(String... values) {
    return args(Arrays.asList(values));
  }

  public SubmitRequest args(List<String> values) {
    args.addAll(values);
    return this;
  }

  /** A Spark property ({@code --conf key=value}); overrides the fixture's defaults. */
  public SubmitRequest conf(String key, String value) {
    conf.put(key, value);
    return this;
  }

  public SubmitRequest conf(Map<String, String> values) {
    conf.putAll(values);
    return this;
  }

  /** {@code --jars}: extra jars for the driver and the executors (e.g. DL4J when the app jar is thin). */
  public SubmitRequest jars(List<File> values) {
    jars.addAll(values);
    return this;
  }

  /** Extra class path entries of the driver JVM only (after Spark's jars). */
  public SubmitRequest driverClassPath(List<File> values) {
    driverClassPath.addAll(values);
    return this;
  }

  /** An environment variable of the driver JVM (use {@code spark.executorEnv.X} for executors). */
  public SubmitRequest env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Extra JVM options of the driver (after the Java 17 flags and -Xmx). */
  public SubmitRequest driverJavaOptions(String... options) {
    driverJavaOptions.addAll(Arrays.asList(options));
    return this;
  }

  /** Driver heap (-Xmx of the SparkSubmit JVM); default 512m. */
  public SubmitRequest driverMemory(String value) {
    driverMemory = value;
    return this;
  }

  /** How long {@link Submission#await()} waits before killing the driver; default 3 minutes. */
  public SubmitRequest timeout(Duration value) {
    timeout = value;
    return this;
  }

  /** Name used for the log file (submit-NAME.log); default the main class's simple name. */
  public SubmitRequest name(String value) {
    name = value;
    return this;
  }
}
