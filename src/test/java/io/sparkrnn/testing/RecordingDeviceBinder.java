package io.sparkrnn.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.TaskCompletionListener;

import io.sparkrnn.dist.DeviceBinder;

/**
 * Stands in for ND4J's CUDA device call on machines without GPUs: instead of switching the thread's device
 * it appends one line per call to a file every executor JVM of the test machine can reach, with what it was
 * asked, independently what Spark assigned the calling task, and the calling thread:
 * {@code asked=1 assigned=1 stage=3 partition=0 executor=0 pid=4711 thread=83}.
 * <p>
 * With {@code gpu1AfterGpu0}, the first call for GPU 1 in an executor JVM waits until the task that first asked
 * for GPU 0 there has completed. Spark's executor hands a new task to the thread that went idle last, and gives
 * the first task it launches the first free GPU: so in the next round the task thread that ran GPU 1 is handed
 * GPU 0's task, which is how a reused task thread comes to change device.
 */
public final class RecordingDeviceBinder implements DeviceBinder {
  private static final long serialVersionUID = 1L;
  /** Per recording file, in each executor JVM: released when the first task bound to GPU 0 has completed. */
  private static final Map<String, CountDownLatch> GPU0_DONE = new ConcurrentHashMap<>();
  private static final Map<String, Boolean> GPU1_HELD = new ConcurrentHashMap<>();

  private final String file;
  private final boolean gpu1AfterGpu0;

  public RecordingDeviceBinder(Path file) {
    this(file, false);
  }

  public RecordingDeviceBinder(Path file, boolean gpu1AfterGpu0) {
    this.file = file.toAbsolutePath().toString();
    this.gpu1AfterGpu0 = gpu1AfterGpu0;
  }

  @Override
  public void bind(int device) {
    TaskContext task = TaskContext.get();
    if (gpu1AfterGpu0) {
      order(task, device);
    }
    ResourceInformation gpus = task.resourcesJMap().get("gpu");
    String assigned = gpus == null ? "none" : String.join(",", gpus.addresses());
    String line = "asked=" + device + " assigned=" + assigned + " stage=" + task.stageId()
        + " partition=" + task.partitionId() + " executor=" + SparkEnv.get().executorId()
        + " pid=" + ProcessHandle.current().pid() + " thread=" + Thread.currentThread().getId() + "\n";
    try {
      // One short write with O_APPEND: lines of concurrent tasks (and JVMs) do not interleave.
      Files.write(Paths.get(file), line.getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void order(TaskContext task, int device) {
    CountDownLatch gpu0Done = GPU0_DONE.computeIfAbsent(file, f -> new CountDownLatch(1));
    if (device == 0 && gpu0Done.getCount() > 0) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> gpu0Done.countDown());
    } else if (device == 1 && GPU1_HELD.putIfAbsent(file, true) == null) {
      try {
        if (!gpu0Done.await(5, TimeUnit.MINUTES)) {
          throw new IllegalStateException("the task bound to GPU 0 did not complete in 5 minutes");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The calls recorded so far. */
  public List<String> calls() throws IOException {
    Path path = Paths.get(file);
    return Files.exists(path) ? Files.readAllLines(path).stream().filter(l -> !l.isEmpty())
        .collect(Collectors.toList()) : List.of();
  }
}
