package io.sparkrnn.dist

import java.io.{ByteArrayOutputStream, File, PrintStream}
import java.nio.charset.StandardCharsets
import java.nio.file.attribute.PosixFilePermissions
import java.nio.file.{Files, Path, Paths}
import java.util.concurrent.TimeUnit

import scala.collection.JavaConverters._

import org.apache.spark.SparkConf
import org.apache.spark.api.java.JavaSparkContext
import org.apache.spark.resource.ResourceInformation
import org.apache.spark.sql.SparkSession
import org.nd4j.linalg.factory.Nd4j
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite
import org.scalatest.matchers.should.Matchers

import io.sparkrnn.config.ExitCodes
import io.sparkrnn.metrics.ConsoleProgress
import io.sparkrnn.ml.SparkRnnModel
import io.sparkrnn.testing.{RecordingDeviceBinder, StandaloneClusterFixture}
import io.sparkrnn.testkit.{RunConfigs, TestCorpora}

/**
 * GPUs through Spark's resource scheduling, on a machine WITHOUT GPUs: Spark's real standalone scheduler
 * (local-cluster: an in-process Master and Worker, a separate executor JVM) is told by the real
 * deploy/gpu/discover-gpus.sh, run against a fake nvidia-smi, that the Worker has 2 GPUs. The replica tasks
 * read their GPU address from the TaskContext and ask the DeviceBinder to bind it. With no CUDA device here,
 * the ND4J call behind DeviceBinder (Nd4jDeviceBinder: AffinityManager.unsafeSetDevice) is replaced by
 * RecordingDeviceBinder, which writes down what it is asked and what Spark assigned the task.
 */
class GpuBindingSuite extends AnyFunSuite with Matchers with BeforeAndAfterAll {
  private lazy val dir: Path = TestCorpora.tempDir("gpu-binding")
  private val repo = StandaloneClusterFixture.repoRoot()

  /** A discovery script that runs deploy/gpu/discover-gpus.sh with a fake nvidia-smi listing GPUs 0 and 1. */
  private lazy val discoveryScript: Path = {
    val bin = Files.createDirectories(dir.resolve("fake-bin"))
    executable(bin.resolve("nvidia-smi"),
      """#!/bin/sh
        |[ "$1" = "--query-gpu=index" ] && [ "$2" = "--format=csv,noheader" ] || { echo "unexpected: $*" >&2; exit 2; }
        |printf '0\n1\n'
        |""".stripMargin)
    executable(dir.resolve("discover-fake-gpus.sh"),
      s"""#!/bin/sh
         |unset CUDA_VISIBLE_DEVICES
         |PATH="$bin:$$PATH" exec "${repo.resolve("deploy/gpu/discover-gpus.sh")}"
         |""".stripMargin)
  }

  test("deploy/gpu/discover-gpus.sh prints nvidia-smi's GPUs, or CUDA's renumbered visible devices, as Spark JSON") {
    run(discoveryScript.toString) shouldBe ((0, """{"name": "gpu", "addresses": ["0","1"]}"""))
    val script = repo.resolve("deploy/gpu/discover-gpus.sh").toString
    run(script, "CUDA_VISIBLE_DEVICES" -> "3,5,7") shouldBe ((0, """{"name": "gpu", "addresses": ["0","1","2"]}"""))
    val (code, err) = run(script, "PATH" -> "/usr/bin:/bin")
    code shouldBe 1
    err should include("nvidia-smi not found")
  }

  test("a GPU address that is not a device index is refused with the fix in the message") {
    TaskDevice.gpuOf(Map("gpu" -> new ResourceInformation("gpu", Array("1", "0"))).asJava).getAsInt shouldBe 1
    TaskDevice.gpuOf(Map.empty[String, ResourceInformation].asJava).isPresent shouldBe false
    val e = intercept[IllegalStateException] {
      TaskDevice.gpuOf(Map("gpu" -> new ResourceInformation("gpu", Array("GPU-3f2a"))).asJava)
    }
    e.getMessage should include("GPU address 'GPU-3f2a'")
    e.getMessage should include("deploy/gpu/discover-gpus.sh")
  }

  test("on ND4J's CPU backend the real binder refuses a GPU: exit code 7, naming what the CUDA backend needs") {
    Nd4j.getEnvironment.isCPU shouldBe true
    val e = intercept[RunError](new Nd4jDeviceBinder().bind(1))
    e.exitCode shouldBe ExitCodes.NO_GPU_BACKEND
    e.getMessage should include("Spark gave this task GPU 1")
    e.getMessage should include("built without ND4J's CUDA backend")
    e.getMessage should include("mvn -Pcuda")
    e.getMessage should include("CUDA 11.6, cuDNN 8.3")
    val loadFailed = Nd4jDeviceBinder.cpuBackendMessage(0, true)
    loadFailed should include("nd4j-cuda-11.6 1.0.0-M2.1")
    loadFailed should include("did not load here")
    loadFailed should include("cuDNN 8.3")
    loadFailed should include("without --gpu")
  }

  /**
   * Spark's real standalone scheduler (local-cluster: an in-process Master and Worker, a separate executor JVM)
   * with one Worker offering 3 cores and 2 GPUs: 3 cores would be 3 task slots, the GPUs allow 2. One context
   * for the suite's runs.
   */
  private lazy val sc: JavaSparkContext = {
    Files.createDirectories(Paths.get(sys.env("SPARK_HOME")).resolve("jars")) // local-cluster needs SPARK_HOME/jars
    val conf = new SparkConf()
      .setMaster("local-cluster[1,3,1024]").setAppName("GpuBindingSuite")
      .set("spark.worker.resource.gpu.amount", "2")
      .set("spark.worker.resource.gpu.discoveryScript", discoveryScript.toString)
      .set("spark.executor.resource.gpu.amount", "2")
      .set("spark.task.resource.gpu.amount", "1")
      .set("spark.executor.extraClassPath", absoluteClassPath)
      .set("spark.executor.extraJavaOptions", "-XX:TieredStopAtLevel=1")
      .set("spark.executorEnv.OMP_NUM_THREADS", "1")
      .set("spark.cores.max", "3")
      .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
      .set("spark.ui.enabled", "false")
      .set("spark.driver.host", "127.0.0.1")
    val context = new JavaSparkContext(conf)
    context.setLogLevel("WARN")
    started = true
    context
  }
  private var started = false

  override def afterAll(): Unit = try if (started) sc.stop() finally super.afterAll()

  private def train(runId: String, binder: DeviceBinder, rounds: Int): TrainingSummary = {
    val config = RunConfigs(TestCorpora.mobyDickPrefix(dir, 20000), dir.resolve("runs"), "run.id" -> runId,
      "model.layers" -> 1, "model.hiddenSize" -> 16, "model.embeddingSize" -> 8, "model.seqLength" -> 16,
      "train.batchSize" -> 8, "train.averagingFrequency" -> 2, "train.rounds" -> rounds, "data.blockSize" -> 1024,
      "data.validationFraction" -> 0.1, "eval.everyRounds" -> rounds, "eval.maxWindows" -> 32,
      "checkpoint.everyRounds" -> rounds, "master.replicas" -> 0)
    val quiet = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true)
    new TrainingRun(sc, config, true, null, quiet, binder).run()
  }

  test("two replicas on an executor with 2 GPUs get different GPUs, and each binds exactly the one it got") {
    sc.defaultParallelism.intValue shouldBe 3 // what master.replicas = 0 used to give
    val recorder = new RecordingDeviceBinder(dir.resolve("bind-calls.txt"))
    val summary = train("gpus", recorder, 2)
    summary.rows().asScala.map(_.number("replicas")) shouldBe Seq(2.0, 2.0)

    val calls = recorder.calls().asScala.map(parse)
    withClue(calls.mkString("\n")) {
      // 2 training rounds + 1 evaluation, 2 tasks each, every one bound before it ran.
      calls.map(_("stage")).distinct should have size 3
      calls should have size 6
      for (c <- calls) c("asked") shouldBe c("assigned")
      for ((stage, tasks) <- calls.groupBy(_("stage"))) {
        withClue(s"stage $stage: ") {
          tasks.map(_("partition")).sorted shouldBe Seq("0", "1")
          tasks.map(_("asked")).sorted shouldBe Seq("0", "1")
        }
      }
      calls.map(_("executor")).distinct shouldBe Seq("0")
      val pids = calls.map(_("pid")).distinct
      pids should have size 1
      pids.head should not be ProcessHandle.current().pid().toString
    }

    // Scoring tasks bind as replicas do: each of the 4 partitions asks for the GPU Spark gave its task.
    val scoringRecorder = new RecordingDeviceBinder(dir.resolve("scoring-bind-calls.txt"))
    val spark = SparkSession.builder().getOrCreate()
    val lines = spark.createDataFrame(Seq.fill(8)(Tuple1("Call me Ishmael."))).toDF("text").repartition(4)
    val scored = SparkRnnModel.fromCheckpoint(summary.checkpointUri(), sc.hadoopConfiguration)
      .withDeviceBinder(scoringRecorder).transform(lines).collect()
    scored.count(r => r.getAs[Long]("charactersScored") == 15) shouldBe 8
    val scoring = scoringRecorder.calls().asScala.map(parse)
    withClue(scoring.mkString("\n")) {
      scoring.map(_("partition")).sorted shouldBe Seq("0", "1", "2", "3")
      for (c <- scoring) c("asked") shouldBe c("assigned")
      scoring.map(_("asked")).toSet shouldBe Set("0", "1")
    }
  }

  test("a task thread Spark hands another GPU in the next round: each replica still works on a thread of its GPU only") {
    // Round 1's GPU 1 task starts only once GPU 0's has completed, so its Spark task thread is the last one idle,
    // and the executor hands it round 2's first task, which gets GPU 0: a reused task thread changes device.
    // ND4J's per-thread state (device binding, workspaces, random generator) must not follow it there.
    val recorder = new RecordingDeviceBinder(dir.resolve("device-change-calls.txt"), true)
    val summary = train("device-change", recorder, 3)
    summary.rows().asScala.map(_.number("replicas")) shouldBe Seq(2.0, 2.0, 2.0)
    val calls = recorder.calls().asScala.map(parse)
    withClue(calls.mkString("\n")) {
      calls should have size 8 // 3 rounds and an evaluation, 2 tasks each
      for (c <- calls) c("asked") shouldBe c("assigned")
      for ((thread, bound) <- calls.groupBy(_("thread"))) {
        withClue(s"thread $thread: ") {
          bound.map(_("asked")).distinct should have size 1
        }
      }
    }
  }

  test("with ND4J on its CPU backend, a run given GPUs stops with exit code 7 instead of training on the CPU") {
    val failure = intercept[Exception](train("cpu-backend", new Nd4jDeviceBinder(), 2))
    val error = Iterator.iterate[Throwable](failure)(_.getCause).takeWhile(_ != null).collectFirst { case e: RunError => e }
    withClue(failure.toString) {
      error.map(_.exitCode) shouldBe Some(ExitCodes.NO_GPU_BACKEND)
      error.get.getMessage should include("runs on its CPU backend")
    }
    Files.exists(dir.resolve("runs/cpu-backend/LATEST")) shouldBe false
  }

  private def parse(line: String): Map[String, String] =
    line.split(" ").map { kv => val Array(k, v) = kv.split("=", 2); k -> v }.toMap

  /** Executors get the test class path; Surefire's entries may be relative to the module. */
  private def absoluteClassPath: String = System.getProperty("java.class.path").split(File.pathSeparator)
    .map(p => new File(p).getAbsolutePath).mkString(File.pathSeparator)

  private def executable(path: Path, text: String): Path = {
    Files.write(path, text.getBytes(StandardCharsets.UTF_8))
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"))
    path
  }

  /** Runs a script; returns (exit code, stdout trimmed) on success and (exit code, stderr) on failure. */
  private def run(script: String, env: (String, String)*): (Int, String) = {
    val pb = new ProcessBuilder(script)
    pb.environment().remove("CUDA_VISIBLE_DEVICES")
    env.foreach { case (k, v) => pb.environment().put(k, v) }
    val out = dir.resolve(s"out-${System.nanoTime()}").toFile
    val err = dir.resolve(s"err-${System.nanoTime()}").toFile
    val p = pb.redirectOutput(out).redirectError(err).start()
    assert(p.waitFor(30, TimeUnit.SECONDS), s"$script did not finish")
    val code = p.exitValue()
    val text = new String(Files.readAllBytes((if (code == 0) out else err).toPath), StandardCharsets.UTF_8).trim
    (code, text)
  }
}
