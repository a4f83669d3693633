package io.sparkrnn.dist

import io.sparkrnn.checkpoint.{CheckpointPolicy, CheckpointStore}
import io.sparkrnn.config.{ExitCodes, Options}
import io.sparkrnn.data.{MiniBatch, MinibatchSchedule}
import io.sparkrnn.metrics.ConsoleProgress
import io.sparkrnn.model.{GraphFactory, ModelSpec}
import io.sparkrnn.testkit.{BitExact, LocalSpark, RunConfigs, TestCorpora}
import io.sparkrnn.train.ReplicaTrainer
import org.apache.spark.{ExceptionFailure, SparkConf}
import org.apache.spark.scheduler.{SparkListener, SparkListenerTaskEnd}
import org.scalatest.BeforeAndAfterEach
import org.scalatest.concurrent.Eventually
import org.scalatest.funsuite.AnyFunSuite
import org.scalatest.time.{Seconds, Span}

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import java.util.concurrent.ConcurrentLinkedQueue

/**
 * Faults inside a run on a real local Spark that retries a failed task once (local[2,2] = 2 slots, 2 attempts):
 * a replica task that dies, replicas that go non-finite, a run that diverges. Faults come from the test-only
 * FaultInjection hook in ReplicaTask.
 */
class FaultsSuite extends AnyFunSuite with LocalSpark with BeforeAndAfterEach with Eventually {
  override protected def master: String = "local[2,2]"

  private lazy val dir: Path = TestCorpora.tempDir("faults-suite")
  private lazy val corpus: Path = TestCorpora.mobyDickPrefix(dir, 30000)
  private val quiet = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true)
  private val failedTasks = new ConcurrentLinkedQueue[String]()

  private val tiny = Seq("model.layers" -> 1, "model.hiddenSize" -> 16, "model.embeddingSize" -> 8,
    "model.seqLength" -> 16, "train.batchSize" -> 4, "eval.maxWindows" -> 32, "data.blockSize" -> 512,
    "data.validationFraction" -> 0.1, "master.replicas" -> 2, "train.averagingFrequency" -> 3,
    "eval.everyRounds" -> 1000, "checkpoint.everyRounds" -> 1000)

  override def beforeAll(): Unit = {
    super.beforeAll()
    sc.sc.addSparkListener(new SparkListener {
      override def onTaskEnd(end: SparkListenerTaskEnd): Unit = end.reason match {
        case failure: ExceptionFailure => failedTasks.add(failure.description)
        case _ =>
      }
    })
  }

  override def afterEach(): Unit = {
    FaultInjection.install("")
    super.afterEach()
  }

  private def train(runId: String, overrides: (String, Any)*): TrainingSummary = {
    val config = RunConfigs(corpus, dir.resolve("runs"), (("run.id" -> runId) +: (tiny ++ overrides)): _*)
    new TrainingRun(sc, config, false, quiet).run()
  }

  test("a replica task that dies mid-round is retried and the run ends with the same parameters") {
    val clean = train("task-clean", "train.rounds" -> 3)
    failedTasks.clear()
    FaultInjection.install("fail-task:2:1:1") // round 2, partition 1, before its second local step, first attempt
    val faulty = train("task-faulty", "train.rounds" -> 3)

    eventually(timeout(Span(10, Seconds))) {
      assert(failedTasks.size == 1, s"failed tasks: $failedTasks")
    }
    assert(failedTasks.peek().contains("injected test fault: replica task of round 2, partition 1"))
    BitExact.assertSameBits(clean.finalState().params(), faulty.finalState().params(),
      "a retried task must return what the first attempt would have")
    BitExact.assertSameBits(clean.finalState().updaterState(), faulty.finalState().updaterState(), "optimizer state")
    assert(faulty.rows().get(1).number("replicas") == 2.0)
  }

  test("one non-finite replica is dropped from the average, counted, and training continues") {
    FaultInjection.install("non-finite:2:0:1")
    val summary = train("one-non-finite", "train.rounds" -> 3)
    val rows = summary.rows()
    assert(rows.size == 3)
    assert(rows.get(1).number("replicas") == 1.0 && rows.get(1).number("nonFiniteReplicas") == 1.0)
    assert(rows.get(2).number("replicas") == 2.0 && rows.get(2).number("nonFiniteReplicas") == 0.0)
    assert(rows.get(1).number("learningRate") == rows.get(0).number("learningRate"), "one bad replica does not lower the rate")
    assert(!summary.finalState().params().isNaN.any() && summary.finalState().round() == 3)
  }

  test("with one of two replicas non-finite, the round applies exactly the surviving replica's update and moments") {
    val before = train("survivor-before", "train.rounds" -> 1) // the state round 2 starts from
    FaultInjection.install("non-finite:2:0:1") // replica 0 of round 2
    val after = train("survivor-after", "train.rounds" -> 2)
    assert(after.rows().get(1).number("replicas") == 1.0 && after.rows().get(1).number("nonFiniteReplicas") == 1.0)

    // Replica 1's round 2 replayed without Spark: its shard, round 1's state, its minibatches (no dropout).
    val config = RunConfigs(corpus, dir.resolve("runs"), (("run.id" -> "survivor-replay") +: tiny): _*)
    val prepared = CorpusPipeline.prepare(sc, config, 2, null)
    val shard = try prepared.train().collect().get(1) finally prepared.release()
    val spec = ModelSpec.from(config, prepared.vocabulary().size())
    val replica = new ReplicaTrainer(GraphFactory.build(spec), spec, config.get(Options.MAX_GRAD_NORM),
      config.get(Options.SEQ_LENGTH))
    val start = before.finalState()
    replica.load(start.params(), start.updaterState(), start.steps())
    replica.setLearningRate(config.get(Options.LEARNING_RATE))
    val schedule = new MinibatchSchedule(config.get(Options.SEED), 1, shard.size(), config.get(Options.BATCH_SIZE))
    for (k <- 0 until config.get(Options.AVERAGING_FREQUENCY)) {
      replica.step(MiniBatch.fromWindows(shard, schedule.windowsOf(start.steps() + k)))
    }
    // Plain averaging over the one finite replica: theta + delta / 1, in the master's float operations.
    val expected = start.params().add(replica.params().sub(start.params()))
    BitExact.assertSameBits(expected, after.finalState().params(), "parameters after round 2")
    BitExact.assertSameBits(replica.updaterState(), after.finalState().updaterState(), "Adam's moments after round 2")
  }

  test("a round where every replica is non-finite is retried at half the learning rate, which reaches the replicas") {
    // SGD, one local step: a replica's update is -lr * (clipped) gradient, so at half the rate it is half as large.
    val sgd = Seq("train.updater" -> "sgd", "train.learningRate" -> 0.1, "train.rounds" -> 3, "train.averagingFrequency" -> 1)
    val clean = train("retry-clean", sgd: _*)
    FaultInjection.install("non-finite:2:*:1") // the first execution of round 2 on every partition
    val retried = train("retry-faulty", sgd :+ ("checkpoint.everyRounds" -> 2): _*)

    val rows = retried.rows()
    assert(rows.size == 3, "the failed attempt is not a row; the retried round is")
    assert(rows.get(1).number("learningRate") == 0.05 && rows.get(2).number("learningRate") == 0.05)
    assert(rows.get(1).number("replicas") == 2.0)
    val ratio = rows.get(1).number("updateNorm") / clean.rows().get(1).number("updateNorm")
    assert(math.abs(ratio - 0.5) < 1e-4, s"round 2's update at half the rate should be half as large, ratio $ratio")

    // The lowered rate is part of the checkpoint: resuming does not go back to the rate that diverged.
    val stateJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
      dir.resolve("runs/retry-faulty/ckpt-00000003/state.json").toFile)
    assert(stateJson.get("learningRate").asDouble() == 0.05, stateJson.toString)
    val resumed = train("retry-faulty", sgd.filterNot(_._1 == "train.rounds") :+ ("train.rounds" -> 4): _*)
    assert(resumed.rows().size == 4 && resumed.rows().get(3).number("learningRate") == 0.05)
  }

  test("a run that keeps diverging stops with exit code 6 and never checkpoints a non-finite value") {
    FaultInjection.install("non-finite:3:*:100") // from round 3 on, every attempt of every replica
    val store = dir.resolve("runs/diverge-hook")
    val error = intercept[RunError](train("diverge-hook", "train.rounds" -> 5, "checkpoint.everyRounds" -> 1))
    assert(error.exitCode == ExitCodes.DIVERGED)
    assert(error.getMessage.contains("training diverged in round 3") &&
      error.getMessage.contains("learning rates 0.00200000, 0.00100000, 0.000500000, 0.000250000"), error.getMessage)
    assert(latestOf(store) == "ckpt-00000002")
    val snapshot = SnapshotFiles.read(openStore(store).latest().get())
    assert(snapshot.round == 2 && !snapshot.graph.params().isNaN.any() && !snapshot.graph.params().isInfinite.any())

    // A real divergence, no hook: SGD at an absurd rate overflows in the first round; nothing is saved.
    FaultInjection.install("")
    val real = intercept[RunError](train("diverge-sgd", "train.updater" -> "sgd", "train.learningRate" -> 1e30,
      "train.maxGradNorm" -> 1e30, "train.rounds" -> 2, "checkpoint.everyRounds" -> 1))
    assert(real.exitCode == ExitCodes.DIVERGED && real.getMessage.contains("training diverged in round 1"), real.getMessage)
    assert(!Files.exists(dir.resolve("runs/diverge-sgd/LATEST")))
    assert(openStore(dir.resolve("runs/diverge-sgd")).listComplete().isEmpty)
  }

  private def latestOf(run: Path): String = new String(Files.readAllBytes(run.resolve("LATEST")), StandardCharsets.UTF_8).trim

  private def openStore(run: Path): CheckpointStore =
    CheckpointStore.open(run.getParent.toUri.toString, run.getFileName.toString, sc.hadoopConfiguration(),
      CheckpointPolicy.defaults())
}
