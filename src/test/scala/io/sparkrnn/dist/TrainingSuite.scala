package io.sparkrnn.dist

import io.sparkrnn.data.{MiniBatch, MinibatchSchedule}
import io.sparkrnn.metrics.ConsoleProgress
import io.sparkrnn.model.{GraphFactory, ModelSpec}
import io.sparkrnn.testkit.{BitExact, LocalSpark, RunConfigs, TestCorpora}
import io.sparkrnn.train.ReplicaTrainer
import io.sparkrnn.config.Options
import org.nd4j.linalg.api.ndarray.INDArray
import org.scalatest.funsuite.AnyFunSuite

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.file.Path

/** The parameter-averaging master on a real local[2] Spark: equivalence, learning and determinism. */
class TrainingSuite extends AnyFunSuite with LocalSpark {
  private lazy val dir: Path = TestCorpora.tempDir("training-suite")
  private lazy val corpus: Path = TestCorpora.mobyDickPrefix(dir, 60000)
  private val quiet = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true)

  private val small = Seq("model.layers" -> 2, "model.hiddenSize" -> 24, "model.embeddingSize" -> 8,
    "model.seqLength" -> 16, "train.batchSize" -> 8, "eval.maxWindows" -> 64, "data.blockSize" -> 1024,
    "data.validationFraction" -> 0.1)

  private def train(runId: String, overrides: (String, Any)*) = {
    val config = RunConfigs(corpus, dir.resolve("runs"), (("run.id" -> runId) +: (small ++ overrides)): _*)
    (config, new TrainingRun(sc, config, true, quiet).run())
  }

  private def maxAbsDiff(a: INDArray, b: INDArray): Double = a.sub(b).amaxNumber().doubleValue()

  test("one replica averaging every step reproduces single-machine training on the same batches") {
    for (k <- Seq(1, 4)) {
      val rounds = 12 / k
      val (config, summary) = train(s"equivalence-k$k", "master.replicas" -> 1, "train.averagingFrequency" -> k,
        "train.rounds" -> rounds, "train.maxGradNorm" -> 0.5, "eval.everyRounds" -> 1000, "checkpoint.everyRounds" -> 1000)

      // The single machine: one network, a plain loop over the very same minibatches, no Spark in the loop.
      val prepared = CorpusPipeline.prepare(sc, config, 1, null)
      val shard = prepared.train().collect().get(0)
      val spec = ModelSpec.from(config, prepared.vocabulary().size())
      val single = new ReplicaTrainer(GraphFactory.build(spec), spec, 0.5, config.get(Options.SEQ_LENGTH))
      val schedule = new MinibatchSchedule(config.get(Options.SEED), 0, shard.size(), config.get(Options.BATCH_SIZE))
      for (step <- 0 until 12) single.step(MiniBatch.fromWindows(shard, schedule.windowsOf(step)))
      prepared.release()

      val diff = maxAbsDiff(summary.finalState().params(), single.params())
      assert(diff < 1e-5, s"averaging every $k steps with one replica differs from single-machine training by $diff")
      assert(maxAbsDiff(summary.finalState().params(), GraphFactory.build(spec).params()) > 1e-3, "training moved the parameters")
    }
  }

  test("two replicas train the default model and lower the validation loss") {
    val (config, summary) = train("two-replicas", "model.layers" -> 3, "model.hiddenSize" -> 256,
      "model.embeddingSize" -> 64, "model.seqLength" -> 64, "train.batchSize" -> 16, "master.replicas" -> 2,
      "train.averagingFrequency" -> 4, "train.rounds" -> 6, "eval.everyRounds" -> 1, "eval.maxWindows" -> 64)
    val rows = summary.rows()
    assert(rows.size() == 6)
    assert((0 until 6).forall(i => rows.get(i).number("replicas") == 2.0))

    // The untrained model on the same held-out windows: about ln(V), a uniform guess.
    val prepared = CorpusPipeline.prepare(sc, config, 2, null)
    val spec = ModelSpec.from(config, prepared.vocabulary().size())
    val initial = new DistributedEvaluator(sc, new LanguageModelTask(), spec, TrainSettings.from(config))
      .evaluate(prepared.validation(), GraphFactory.build(spec).params()).loss().meanLoss()
    prepared.release()
    val first = rows.get(0).number("valLoss")
    val last = rows.get(5).number("valLoss")
    assert(math.abs(initial - math.log(prepared.vocabulary().size())) < 0.2, s"untrained loss $initial")
    // Measured on 2 cores: 4.3 untrained, 3.4 after round 1, 3.1 after round 6.
    assert(first < initial - 0.5, s"validation loss after one round $first, untrained $initial")
    assert(last < first - 0.15, s"validation loss should keep falling: first $first, last $last")
    assert(rows.get(5).number("trainLoss") < rows.get(0).number("trainLoss"))
  }

  test("the same seed twice gives identical parameters, also with more replicas than cores") {
    for (replicas <- Seq(2, 3)) {
      val common = Seq("master.replicas" -> replicas, "train.rounds" -> 3, "train.averagingFrequency" -> 2,
        "model.dropout" -> 0.1, "eval.everyRounds" -> 3)
      val (_, a) = train(s"seed-a-$replicas", common: _*)
      val (_, b) = train(s"seed-b-$replicas", common: _*)
      BitExact.assertSameBits(a.finalState().params(), b.finalState().params(), s"$replicas replicas, same seed")
      BitExact.assertSameBits(a.finalState().updaterState(), b.finalState().updaterState(),
        s"$replicas replicas, same seed, optimizer state")
      assert(a.rows().get(2).number("valLoss") == b.rows().get(2).number("valLoss"))
      val (_, other) = train(s"seed-c-$replicas", (common :+ ("run.seed" -> 7)): _*)
      assert(maxAbsDiff(a.finalState().params(), other.finalState().params()) > 1e-4, "another seed, another result")
    }
  }

  private def stepNorm(before: TrainingSummary, after: TrainingSummary): Double =
    after.finalState().params().sub(before.finalState().params()).norm2Number().doubleValue()

  private val twoReplicas: Seq[(String, Any)] = Seq("master.replicas" -> 2, "train.averagingFrequency" -> 2, "eval.everyRounds" -> 1000,
    "checkpoint.everyRounds" -> 1000)

  test("master.maxUpdateNorm binds: the step applied to the parameters has exactly that norm") {
    val limited = twoReplicas :+ ("master.maxUpdateNorm" -> 0.01)
    val (_, one) = train("clip-1", limited :+ ("train.rounds" -> 1): _*)
    val (_, two) = train("clip-2", limited :+ ("train.rounds" -> 2): _*)
    val row = two.rows().get(1)
    // Measured: about 0.3 before the clip; the limit is far below it.
    assert(row.number("updateNorm") > 0.1, s"the averaged update ${row.number("updateNorm")} must exceed the limit")
    assert(math.abs(row.number("appliedUpdateNorm") - 0.01) < 1e-7, row.toJson)
    val applied = stepNorm(one, two)
    assert(math.abs(applied - 0.01) < 1e-5, s"the parameters moved by $applied, the limit is 0.01")
  }

  test("with master.outer = nesterov, appliedUpdateNorm is the norm of the step the parameters actually took") {
    val nesterov = twoReplicas :+ ("master.outer" -> "nesterov")
    val (_, one) = train("nesterov-1", nesterov :+ ("train.rounds" -> 1): _*)
    val (_, two) = train("nesterov-2", nesterov :+ ("train.rounds" -> 2): _*)
    val row = two.rows().get(1)
    val applied = stepNorm(one, two)
    assert(math.abs(row.number("appliedUpdateNorm") - applied) <= 1e-4 * applied,
      s"appliedUpdateNorm ${row.number("appliedUpdateNorm")}, the parameters moved by $applied")
    // Outer learning rate 0.7 and momentum 0.9: the step is not the averaged update itself.
    assert(math.abs(applied - row.number("updateNorm")) > 0.1 * applied, row.toJson)
  }

  test("train.engine = dl4j trains with DL4J's ParameterAveragingTrainingMaster, evaluates and checkpoints") {
    // DL4J's Spark module is built in only with the Maven profile dl4j-spark (mvn -Pdl4j-spark test runs this test).
    assume(Dl4jComparison.available(), "this build leaves DL4J's Spark module out (mvn -Pdl4j-spark has it)")
    val (config, summary) = train("dl4j-engine", "train.engine" -> "dl4j", "master.replicas" -> 2,
      "train.averagingFrequency" -> 2, "train.rounds" -> 3, "train.learningRate" -> 0.01, "eval.everyRounds" -> 3)
    val rows = summary.rows()
    assert(rows.size() == 1, "DL4J fits every round at once: one row")
    val row = rows.get(0)
    assert(row.number("round") == 3.0 && row.number("replicas") == 2.0, row.toJson)
    assert(summary.finalState().round() == 3 && summary.finalState().steps() == 6)
    assert(summary.checkpointUri().endsWith("ckpt-00000003"), summary.checkpointUri())

    val prepared = CorpusPipeline.prepare(sc, config, 2, null)
    val spec = ModelSpec.from(config, prepared.vocabulary().size())
    val untrained = GraphFactory.build(spec).params()
    val evaluator = new DistributedEvaluator(sc, new LanguageModelTask(), spec, TrainSettings.from(config))
    val initial = evaluator.evaluate(prepared.validation(), untrained).loss().meanLoss()
    prepared.release()
    assert(maxAbsDiff(summary.finalState().params(), untrained) > 1e-3, "DL4J moved the parameters")
    assert(row.number("valLoss") < initial - 0.1, s"validation loss ${row.number("valLoss")}, untrained $initial")
    val saved = SnapshotFiles.read(io.sparkrnn.checkpoint.CheckpointRef.resolve(summary.checkpointUri(), sc.hadoopConfiguration()))
    BitExact.assertSameBits(summary.finalState().params(), saved.graph().params(), "the checkpoint holds DL4J's parameters")
  }
}
