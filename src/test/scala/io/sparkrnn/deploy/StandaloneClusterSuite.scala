package io.sparkrnn.deploy

import java.io.File
import java.net.Socket
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import java.time.Duration

import scala.collection.JavaConverters._
import scala.collection.mutable
import scala.util.Try

import org.apache.hadoop.fs.{Path => HPath}
import org.apache.spark.launcher.JavaModuleOptions
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite
import org.scalatest.matchers.should.Matchers

import io.sparkrnn.testing.{StandaloneClusterFixture, SubmitRequest, TestJars}

/**
 * Proves the cluster test harness end to end: Master + 2 Workers (separate JVMs) + MiniDFSCluster,
 * spark-submit of a tiny application jar built here, 2 partitions on 2 executor JVMs, result on
 * HDFS, the Master's REST view, and that close() leaves no process behind.
 */
class StandaloneClusterSuite extends AnyFunSuite with BeforeAndAfterAll with Matchers {

  private val AppClass = "io.sparkrnn.testing.HdfsWordCountApp"
  private val Text =
    """To be, or not to be, that is the question:
      |Whether 'tis nobler in the mind to suffer
      |The slings and arrows of outrageous fortune,
      |Or to take arms against a sea of troubles
      |And by opposing end them. To die -- to sleep,
      |No more; and by a sleep to say we end
      |""".stripMargin

  private var cluster: StandaloneClusterFixture = _
  private var appJar: File = _
  /** Executor JVM PIDs the application reported, checked again after close(). */
  private val executorPids = mutable.Set[Long]()

  override def beforeAll(): Unit = {
    super.beforeAll()
    cluster = StandaloneClusterFixture.builder().workers(2).hdfs(true).start()
    val testClasses = StandaloneClusterFixture.buildDir().resolve("test-classes")
    appJar = TestJars.jarOfClasses(testClasses, cluster.workDir().resolve("hdfs-word-count-app.jar"),
      "io/sparkrnn/testing/HdfsWordCountApp", "io/sparkrnn/testing/SleepingApp").toFile
    println(s"StandaloneClusterSuite: cluster up, timings ${fmt(cluster.timings().asScala)}, " +
      s"daemon RSS ${cluster.daemonPids().asScala.map { case (n, p) => s"$n=${rssMb(p)} MB" }.mkString(", ")}")
  }

  override def afterAll(): Unit = {
    try if (cluster != null) cluster.close()
    finally super.afterAll()
  }

  test("deploy/java17-opens.txt holds Spark's own Java 17 options and the pom's java17.opens") {
    val flags = StandaloneClusterFixture.java17Flags().asScala.toList
    flags.mkString(" ") shouldBe JavaModuleOptions.defaultModuleOptions()
    val pom = new String(Files.readAllBytes(StandaloneClusterFixture.repoRoot().resolve("pom.xml")),
      StandardCharsets.UTF_8)
    val pomFlags = "(?s)<java17.opens>(.*?)</java17.opens>".r.findFirstMatchIn(pom).get.group(1)
    pomFlags.trim.split("\\s+").toList shouldBe flags
  }

  test("a 2-partition job runs on 2 executor JVMs, writes HDFS, and the Master reports it FINISHED") {
    cluster.daemonPids().keySet().asScala shouldBe Set("master", "worker-1", "worker-2")
    val fs = cluster.fileSystem()
    val input = new HPath(cluster.hdfsUri() + "/wordcount/in.txt")
    val output = cluster.hdfsUri() + "/wordcount/out"
    val os = fs.create(input)
    try os.write(Text.getBytes(StandardCharsets.UTF_8)) finally os.close()

    // C1 only in these short JVMs (test speed on 2 shared cores; not for real training runs).
    val request = SubmitRequest.of(appJar, AppClass).args(input.toString, output)
      .driverJavaOptions("-XX:TieredStopAtLevel=1")
      .conf("spark.executor.extraJavaOptions", "-XX:TieredStopAtLevel=1")
      .timeout(Duration.ofMinutes(3))
    val submission = cluster.submitAsync(request)
    // While it runs, the executor JVMs are children of the Worker JVMs: sample them (PID -> max RSS).
    val workerChildren = mutable.Map[Long, Long]()
    var driverRss = 0L
    val workerPids = Seq("worker-1", "worker-2").map(cluster.daemonPids().get(_).longValue())
    while (submission.isAlive) {
      for (w <- workerPids; h <- ProcessHandle.of(w).asScala; c <- h.children().iterator().asScala) {
        workerChildren(c.pid()) = math.max(workerChildren.getOrElse(c.pid(), 0L), rssMb(c.pid()))
      }
      driverRss = math.max(driverRss, rssMb(submission.pid()))
      Thread.sleep(200)
    }
    val result = submission.await()
    println(s"StandaloneClusterSuite: submit took ${result.duration().toMillis} ms, driver max RSS " +
      s"$driverRss MB, executor JVMs (pid -> max RSS MB) $workerChildren")

    def diagnostics: String = result.output() + "\n" + result.appId().asScala.toSeq
      .flatMap(id => cluster.executorLogs(id).asScala).map { case (f, c) => s"==> $f\n$c" }.mkString("\n")
    withClue(diagnostics) {
      result.exitCode() shouldBe 0
      result.linesStartingWith("PARTITIONS ").asScala shouldBe Seq("PARTITIONS 2")

      val partitions = result.linesStartingWith("PARTITION ").asScala.map { line =>
        val Array(_, index, _, executor, _, pid, _, lines, _, omp) = line.split(" ")
        (index.toInt, executor, pid.toLong, lines.toLong, omp)
      }
      partitions.map(_._1).sorted shouldBe Seq(0, 1)
      partitions.map(_._2).distinct should have size 2
      val pids = partitions.map(_._3).toSet
      pids should have size 2
      pids should not contain submission.pid()
      pids.intersect(cluster.daemonPids().values().asScala.map(_.longValue()).toSet) shouldBe empty
      // Both JVMs were launched by a Worker, and by different Workers (one 1-core executor each).
      workerChildren.keySet should contain allElementsOf pids
      workerPids.map(w => ProcessHandle.of(w).isPresent) shouldBe Seq(true, true)
      partitions.map(_._4).sum shouldBe Text.linesIterator.size
      partitions.map(_._5).toSet shouldBe Set("1") // spark.executorEnv.OMP_NUM_THREADS
      executorPids ++= pids

      val expected = Text.toLowerCase.split("[^a-z]+").filter(_.nonEmpty)
        .groupBy(identity).map { case (w, ws) => s"$w\t${ws.length}" }.toSeq.sorted
      fs.exists(new HPath(output + "/_SUCCESS")) shouldBe true
      val in = fs.open(new HPath(output + "/part-00000"))
      val written = try new String(in.readAllBytes(), StandardCharsets.UTF_8) finally in.close()
      written.linesIterator.toSeq shouldBe expected

      val appId = result.appId().get()
      result.linesStartingWith("APP_ID ").asScala shouldBe Seq(s"APP_ID $appId")
      val app = cluster.awaitApplicationState(appId, "FINISHED", Duration.ofSeconds(30))
      app.path("name").asText() shouldBe "HdfsWordCountApp"
      app.path("cores").asInt() shouldBe 2
      cluster.masterJson().path("activeapps").size() shouldBe 0
    }
  }

  test("a driver still running at the timeout is killed and reported as timed out") {
    // Long enough for a loaded 2-core machine to start the driver JVM (8 s was not, at load 25).
    val result = cluster.submit(SubmitRequest.of(appJar, "io.sparkrnn.testing.SleepingApp")
      .timeout(Duration.ofSeconds(30)))
    withClue(result.output()) {
      result.timedOut() shouldBe true
      result.exitCode() shouldBe -1
      result.succeeded() shouldBe false
      result.linesStartingWith("SLEEPING ").asScala shouldBe Seq(s"SLEEPING ${result.driverPid()}")
      alive(result.driverPid()) shouldBe false
    }
  }

  test("close() terminates every process it started and HDFS") {
    val daemons = cluster.daemonPids().values().asScala.map(_.longValue()).toSet
    daemons should have size 3
    all(daemons.map(alive)) shouldBe true
    val nameNodePort = cluster.hdfs().getNameNodePort
    val pids = daemons ++ cluster.observedPids().asScala.map(_.longValue()) ++ executorPids
    val t0 = System.nanoTime()
    cluster.close()
    println(s"StandaloneClusterSuite: close() took ${(System.nanoTime() - t0) / 1000000} ms")
    pids.filter(alive) shouldBe empty
    Try(new Socket("127.0.0.1", nameNodePort).close()).isFailure shouldBe true
    cluster.close() // idempotent
  }

  private def alive(pid: Long): Boolean = ProcessHandle.of(pid).map[Boolean](_.isAlive).orElse(false)

  /** Resident set size of a process in MB (Linux /proc), 0 when gone. */
  private def rssMb(pid: Long): Long = Try {
    Files.readAllLines(Path.of(s"/proc/$pid/status")).asScala.find(_.startsWith("VmRSS:"))
      .map(_.replaceAll("[^0-9]", "").toLong / 1024).getOrElse(0L)
  }.getOrElse(0L)

  private def fmt(t: collection.Map[String, Duration]): String =
    t.map { case (k, d) => s"$k=${d.toMillis} ms" }.mkString(", ")

  private implicit class OptionalOps[T](o: java.util.Optional[T]) {
    def asScala: Option[T] = if (o.isPresent) Some(o.get) else None
  }
}
