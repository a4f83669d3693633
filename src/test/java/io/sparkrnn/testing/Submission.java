package io.sparkrnn.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A running spark-submit (driver JVM) started by {@link StandaloneClusterFixture#submitAsync}.
 * Lets a test watch the driver while it runs (log, application id, the driver's REST API) and then
 * {@link #await()} the result. The fixture kills it on {@link StandaloneClusterFixture#close()}.
 */
public final class Submission {

  private static final Pattern APP_ID =
      Pattern.compile("Connected to Spark cluster with app ID (app-[0-9]+-[0-9]+)");
  private static final Pattern UI_PORT =
      Pattern.compile("Successfully started service 'SparkUI' on port ([0-9]+)");

  private final StandaloneClusterFixture cluster;
  private final Process process;
  private final Path log;
  private final Duration timeout;
  private final long startNanos = System.nanoTime();
  private volatile SubmitResult result;

  Submission(StandaloneClusterFixture cluster, Process process, Path log, Duration timeout) {
    this.cluster = cluster;
    this.process = process;
    this.log = log;
    this.timeout = timeout;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The driver's output file (stdout + stderr). */
  public Path logFile() {
    return log;
  }

  /** The driver's output so far. */
  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The application id, once the driver has registered with the Master. */
  public Optional<String> appId() {
    return parseAppId(output());
  }

  /** http://127.0.0.1:PORT of the driver's Spark UI, once it is up (spark.ui.port=0 by default). */
  public Optional<String> driverUiUrl() {
    Matcher m = UI_PORT.matcher(output());
    return m.find() ? Optional.of("http://127.0.0.1:" + m.group(1)) : Optional.empty();
  }

  /**
   * GET {@code <driver UI>/api/v1/applications/<appId>/<path>} (e.g. "jobs", "stages") while the
   * application runs. Empty when the UI or the app id is not known yet.
   */
  public Optional<JsonNode> appRest(String path) throws IOException, InterruptedException {
    Optional<String> ui = driverUiUrl();
    Optional<String> id = appId();
    if (ui.isEmpty() || id.isEmpty()) {
      return Optional.empty();
    }
    String suffix = path.isEmpty() ? "" : "/" + path;
    return Optional.of(cluster.getJson(ui.get() + "/api/v1/applications/" + id.get() + suffix));
  }

  /** Waits for the driver to exit, at most the request's timeout (then kills it). */
  public SubmitResult await() throws InterruptedException {
    return await(timeout);
  }

  public SubmitResult await(Duration limit) throws InterruptedException {
    if (result != null) {
      return result;
    }
    boolean exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!exited) {
      StandaloneClusterFixture.terminate(List.of(process.toHandle()), Duration.ofSeconds(5));
    }
    int code = exited ? process.exitValue() : -1;
    result = new SubmitResult(code, !exited, output(),
        Duration.ofNanos(System.nanoTime() - startNanos), process.pid());
    return result;
  }

  /** Kills the driver (and anything it started). */
  public void kill() {
    StandaloneClusterFixture.terminate(List.of(process.toHandle()), Duration.ofSeconds(5));
  }

  static Optional<String> parseAppId(String output) {
    Matcher m = APP_ID.matcher(output);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
