package io.sparkrnn.testing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The outcome of a spark-submit run by {@link StandaloneClusterFixture}. */
public final class SubmitResult {

  private final int exitCode;
  private final boolean timedOut;
  private final String output;
  private final Duration duration;
  private final long driverPid;

  SubmitResult(int exitCode, boolean timedOut, String output, Duration duration, long driverPid) {
    this.exitCode = exitCode;
    this.timedOut = timedOut;
    this.output = output;
    this.duration = duration;
    this.driverPid = driverPid;
  }

  /** Exit code of the SparkSubmit JVM (-1 when it was killed on timeout). */
  public int exitCode() {
    return exitCode;
  }

  public boolean timedOut() {
    return timedOut;
  }

  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }

  /** Everything the driver JVM wrote (stdout and stderr interleaved: Spark logs to stderr). */
  public String output() {
    return output;
  }

  public List<String> lines() {
    return output.lines().collect(Collectors.toList());
  }

  /** Lines starting with {@code prefix} (the way test applications report results). */
  public List<String> linesStartingWith(String prefix) {
    return output.lines().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
  }

  /** The application id the Master gave the driver (from its log), if it got that far. */
  public Optional<String> appId() {
    return Submission.parseAppId(output);
  }

  public Duration duration() {
    return duration;
  }

  public long driverPid() {
    return driverPid;
  }

  @Override
  public String toString() {
    return "SubmitResult(exitCode=" + exitCode + ", timedOut=" + timedOut + ", duration="
        + duration.toMillis() + " ms, appId=" + appId().orElse("?") + ")";
  }
}
