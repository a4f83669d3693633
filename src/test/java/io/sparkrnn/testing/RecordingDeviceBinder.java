package io.sparkrnn.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import io.sparkrnn.dist.DeviceBinder;

/**
 * Stands in for ND4J's CUDA device call on machines without GPUs: instead of switching the thread's device
 * it appends one line per call to a file every executor JVM of the test machine can reach, with what it was
 * asked and, independently, what Spark assigned the calling task:
 * {@code asked=1 assigned=1 stage=3 partition=0 executor=0 pid=4711}.
 */
public final class RecordingDeviceBinder implements DeviceBinder {
  private static final long serialVersionUID = 1L;

  private final String file;

  public RecordingDeviceBinder(Path file) {
    this.file = file.toAbsolutePath().toString();
  }

  @Override
  public void bind(int device) {
    TaskContext task = TaskContext.get();
    ResourceInformation gpus = task.resourcesJMap().get("gpu");
    String assigned = gpus == null ? "none" : String.join(",", gpus.addresses());
    String line = "asked=" + device + " assigned=" + assigned + " stage=" + task.stageId()
        + " partition=" + task.partitionId() + " executor=" + SparkEnv.get().executorId()
        + " pid=" + ProcessHandle.current().pid() + "\n";
    try {
      // One short write with O_APPEND: lines of concurrent tasks (and JVMs) do not interleave.
      Files.write(Paths.get(file), line.getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The calls recorded so far. */
  public List<String> calls() throws IOException {
    Path path = Paths.get(file);
    return Files.exists(path) ? Files.readAllLines(path).stream().filter(l -> !l.isEmpty())
        .collect(Collectors.toList()) : List.of();
  }
}
