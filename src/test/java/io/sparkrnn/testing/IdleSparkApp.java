package io.sparkrnn.testing;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A Spark application that starts its executors, prints {@code EXECUTOR_PID <pid>} for each partition of a
 * 2-partition job (so once per executor JVM of a 2-Worker cluster), then {@code IDLE}, and never ends: for testing
 * that {@link StandaloneClusterFixture#close()} ends a driver and its executors while they run.
 */
public final class IdleSparkApp {

  private IdleSparkApp() {}

  public static void main(String[] args) throws InterruptedException {
    JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("IdleSparkApp"));
    List<Long> pids = sc.parallelize(Arrays.asList(0, 1), 2)
        .mapPartitions(it -> Collections.singletonList(ProcessHandle.current().pid()).iterator())
        .collect();
    pids.forEach(pid -> System.out.println("EXECUTOR_PID " + pid));
    System.out.println("IDLE");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
