package io.sparkrnn.dist

import io.sparkrnn.metrics.ConsoleProgress
import io.sparkrnn.testkit.{LocalSpark, RunConfigs, TestCorpora}
import org.scalatest.BeforeAndAfterEach
import org.scalatest.funsuite.AnyFunSuite

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.file.Path

/**
 * The convergence options on a real local[2] Spark: learning-rate scaling with the replica count, warm-up, an
 * averaging-frequency ramp, and the minibatch divided among the replicas. Each round follows the schedules; the same seed gives bit-identical parameters; a run
 * stopped in the middle of the warm-up and the ramp and resumed ends bit for bit where the uninterrupted run does;
 * a round where every replica goes non-finite is retried below the scheduled rate, which then caps the schedule.
 */
class SchedulesSuite extends AnyFunSuite with LocalSpark with BeforeAndAfterEach {
  private lazy val dir: Path = TestCorpora.tempDir("schedules-suite")
  private lazy val corpus: Path = TestCorpora.mobyDickPrefix(dir, 30000)
  private val quiet = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true)

  private val batch = 4
  private val seqLength = 16
  /**
   * K goes 1, 2, 3, 3, ... (ramp over 4 steps); the rate warms up over 6 steps and is scaled by sqrt(2); each of the
   * 2 replicas trains on half the batch.
   */
  private val scheduled: Seq[(String, Any)] = Seq("model.layers" -> 1, "model.hiddenSize" -> 16,
    "model.embeddingSize" -> 8, "model.seqLength" -> seqLength, "train.batchSize" -> batch, "eval.maxWindows" -> 32,
    "data.blockSize" -> 512, "data.validationFraction" -> 0.1, "master.replicas" -> 2, "eval.everyRounds" -> 1000,
    "checkpoint.everyRounds" -> 1000, "train.learningRate" -> 0.01, "train.lrScaling" -> "sqrt",
    "train.warmupSteps" -> 6, "train.averagingFrequency" -> 3, "train.averagingFrequencyStart" -> 1,
    "train.averagingRampSteps" -> 4, "model.dropout" -> 0.1, "train.batchScaling" -> "divide")

  override def afterEach(): Unit = {
    FaultInjection.install("")
    super.afterEach()
  }

  private def train(runId: String, rounds: Int, overrides: (String, Any)*): TrainingSummary = {
    val config = RunConfigs(corpus, dir.resolve("runs"),
      (Seq("run.id" -> runId, "train.rounds" -> rounds) ++ scheduled ++ overrides): _*)
    new TrainingRun(sc, config, false, quiet).run()
  }

  private def bits(summary: TrainingSummary): Seq[Int] =
    summary.finalState().params().toFloatVector.toSeq.map(java.lang.Float.floatToRawIntBits)

  private lazy val uninterrupted = train("uninterrupted", 6)

  test("every round trains the scheduled local steps at the scheduled, replica-scaled learning rate") {
    val rows = uninterrupted.rows()
    val localSteps = Seq(1, 2, 3, 3, 3, 3)
    val stepsAfter = localSteps.scanLeft(0)(_ + _).tail
    for (i <- 0 until 6) {
      val expectedRate = 0.01 * math.sqrt(2) * math.min(1.0, stepsAfter(i) / 6.0)
      assert(math.abs(rows.get(i).number("learningRate") - expectedRate) < 1e-12,
        s"round ${i + 1}: learning rate ${rows.get(i).number("learningRate")}, expected $expectedRate")
      assert(rows.get(i).number("tokens") == 2 * localSteps(i) * (batch / 2) * seqLength, s"round ${i + 1} tokens")
    }
    assert(uninterrupted.finalState().steps() == 15)
  }

  test("the same seed gives bit-identical parameters") {
    assert(bits(train("again", 6)) == bits(uninterrupted))
  }

  test("a run stopped during the warm-up and the ramp resumes to the uninterrupted run's parameters, bit for bit") {
    val first = train("split", 2)
    assert(first.finalState().steps() == 3, "stopped after K = 1 and K = 2, before the ramp ends")
    val resumed = train("split", 6)
    assert(resumed.rows().size() == 6)
    assert(bits(resumed) == bits(uninterrupted))
    for (i <- 2 until 6) {
      assert(resumed.rows().get(i).number("learningRate") == uninterrupted.rows().get(i).number("learningRate"))
    }
  }

  test("a round where every replica goes non-finite during the warm-up is retried lower, and the lowered rate caps the schedule") {
    FaultInjection.install("non-finite:2:*:1") // the first execution of round 2 on every partition
    val rows = train("lowered", 4).rows()
    val peak = 0.01 * math.sqrt(2)
    val round2 = peak * 3 / 6.0 * 0.5 // scheduled at half warm-up, retried at half that
    assert(math.abs(rows.get(1).number("learningRate") - round2) < 1e-12, rows.get(1).toJson)
    assert(math.abs(rows.get(2).number("learningRate") - round2) < 1e-12, "the warm-up does not climb past the lowered rate")
    assert(rows.get(1).number("replicas") == 2.0 && !rows.get(3).number("trainLoss").isNaN)
  }
}
