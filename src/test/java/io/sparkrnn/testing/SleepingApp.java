package io.sparkrnn.testing;

/**
 * A "Spark application" that prints {@code SLEEPING <pid>} and never ends, without starting Spark:
 * for testing the timeout and kill paths of {@link StandaloneClusterFixture} cheaply.
 */
public final class SleepingApp {

  private SleepingApp() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("SLEEPING " + ProcessHandle.current().pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
