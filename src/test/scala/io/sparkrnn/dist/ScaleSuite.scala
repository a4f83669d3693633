package io.sparkrnn.dist

import io.sparkrnn.config.{ExitCodes, Options, RunConfig}
import io.sparkrnn.data.WindowShard
import io.sparkrnn.metrics.{ConsoleProgress, MetricsRow}
import io.sparkrnn.model.{GraphFactory, ModelSpec}
import io.sparkrnn.testkit.{ChildJvm, LocalSpark, RunConfigs, TestCorpora}
import io.sparkrnn.train.GlobalNormClipper
import org.apache.spark.api.java.function.FlatMapFunction
import org.nd4j.linalg.api.ndarray.INDArray
import org.nd4j.linalg.factory.Nd4j
import org.scalatest.BeforeAndAfterEach
import org.scalatest.funsuite.AnyFunSuite

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import java.util.concurrent.TimeUnit
import scala.collection.JavaConverters._

/**
 * The aggregation through Spark's shuffle on a real local Spark that retries a failed task once (local[2,2]):
 * driver traffic independent of the replica count (from Spark's task metrics), bit-for-bit equality with a plain
 * in-replica-order sum, local optimizer moments (retry, resume, fallback), reduced-precision updates, and the
 * pre-flight refusal of settings that cannot serve a round.
 */
class ScaleSuite extends AnyFunSuite with LocalSpark with BeforeAndAfterEach {
  override protected def master: String = "local[2,2]"

  private lazy val dir: Path = TestCorpora.tempDir("scale-suite")
  private lazy val corpus: Path = TestCorpora.mobyDickPrefix(dir, 30000)
  private val quiet = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true)

  /** conf/local.conf's model, 0.9 M parameters, with almost no compute: the master's own cost dominates. */
  private val wide = Seq("model.layers" -> 2, "model.hiddenSize" -> 256, "model.embeddingSize" -> 64,
    "model.seqLength" -> 16, "train.batchSize" -> 2, "train.averagingFrequency" -> 1, "eval.everyRounds" -> 1000,
    "eval.maxWindows" -> 8, "checkpoint.everyRounds" -> 1000, "data.blockSize" -> 1024, "data.validationFraction" -> 0.1)
  private val tiny = Seq("model.layers" -> 1, "model.hiddenSize" -> 16, "model.embeddingSize" -> 8,
    "model.seqLength" -> 16, "train.batchSize" -> 4, "train.averagingFrequency" -> 2, "eval.everyRounds" -> 1000,
    "eval.maxWindows" -> 32, "checkpoint.everyRounds" -> 1000, "data.blockSize" -> 512, "data.validationFraction" -> 0.1,
    "master.replicas" -> 2)

  override def afterEach(): Unit = {
    FaultInjection.install("")
    super.afterEach()
  }

  private def config(runId: String, settings: Seq[(String, Any)]): RunConfig =
    RunConfigs(corpus, dir.resolve("runs"), (("run.id" -> runId) +: settings): _*)

  private def train(runId: String, settings: (String, Any)*): TrainingSummary =
    new TrainingRun(sc, config(runId, settings), false, quiet).run()

  private def rawBits(a: INDArray): Array[Int] = a.toFloatVector.map(java.lang.Float.floatToRawIntBits)

  private def sameBits(a: INDArray, b: INDArray): Boolean = java.util.Arrays.equals(rawBits(a), rawBits(b))

  private def maxAbsDiff(a: INDArray, b: INDArray): Double = a.sub(b).amaxNumber().doubleValue()

  private def rows(summary: TrainingSummary): Seq[MetricsRow] = summary.rows().asScala.toSeq

  private def tasks(row: MetricsRow, group: String, field: String): Long =
    row.get(group).asInstanceOf[java.util.Map[String, Number]].get(field).longValue()

  test("the driver receives the size of one update per round whatever the replica count (Spark's task metrics)") {
    val two = train("bytes-2", wide ++ Seq("master.replicas" -> 2, "train.rounds" -> 2): _*)
    val eight = train("bytes-8", wide ++ Seq("master.replicas" -> 8, "train.rounds" -> 2): _*)
    val parameters = eight.finalState().params().length()
    val moments = eight.finalState().updaterState().length()
    val update = 4L * (parameters + moments) // float32 update and Adam moments, summed
    assert(parameters > 800000, s"a model of about 1 M parameters, got $parameters")
    for ((summary, replicas) <- Seq(two -> 2, eight -> 8); row <- rows(summary)) {
      // driverResultBytes: the summed TaskMetrics.resultSize of the round's replica and aggregation tasks.
      val received = row.number("driverResultBytes")
      assert(received >= update && received <= update * 1.01 + 64 * 1024,
        s"$replicas replicas, round ${row.number("round")}: the driver received $received bytes for an update of $update")
      assert(tasks(row, "aggregation", "count") == replicas, "one aggregation task per slice, one slice per replica")
    }
    val ratio = rows(eight).last.number("driverResultBytes") / rows(two).last.number("driverResultBytes")
    assert(ratio < 1.1, s"8 replicas sent the driver $ratio times what 2 did")
    // The replicas' bytes go through the shuffle instead: four times the replicas, about four times the bytes.
    val shuffled = tasks(rows(eight).last, "tasks", "shuffleWriteBytes").toDouble / tasks(rows(two).last, "tasks", "shuffleWriteBytes")
    assert(shuffled > 3.5 && shuffled < 4.5, s"shuffle bytes of 8 replicas over 2: $shuffled")
  }

  test("the averaged update is bit for bit a plain in-replica-order sum of the replicas' results, however it is sliced") {
    val replicas = 8
    val maxUpdateNorm = 0.5
    val settings = wide ++ Seq("master.replicas" -> replicas, "master.maxUpdateNorm" -> maxUpdateNorm)
    val base = config("bits", settings)
    val prepared = CorpusPipeline.prepare(sc, base, replicas, null)
    try {
      val spec = ModelSpec.from(base, prepared.vocabulary().size())
      val graph = GraphFactory.build(spec)
      val initialParams = graph.params().dup()
      val initialMoments = graph.getUpdater().getStateViewArray().dup()
      val trainSettings = TrainSettings.from(base)
      val learningRate = base.get(Options.LEARNING_RATE)

      // The reference: each replica's whole result collected in partition order and summed by a plain loop.
      val input = sc.broadcast(new RoundInput(1, 0, initialParams.toFloatVector, initialMoments.toFloatVector, learningRate,
        trainSettings.localSteps))
      val task = new ReplicaTask(input, ReplicaMoments.AVERAGED, new LanguageModelTask(), spec, trainSettings)
      val results = prepared.train().mapPartitions(new WholeResult(task)).collect().asScala
      input.destroy()
      assert(results.size == replicas && results.forall(_.replicas == 1))
      def inOrderSum(arrays: Seq[Array[Float]]): Array[Float] = {
        val sum = arrays.head.clone()
        for (next <- arrays.tail; i <- sum.indices) sum(i) += next(i)
        sum
      }
      val u = Nd4j.createFromArray(inOrderSum(results.map(_.deltaSum).toSeq): _*).divi(replicas)
      val clip = GlobalNormClipper.clip(u, maxUpdateNorm)
      assert(clip.scale() < 1, s"the master's clip must be active in this test: update norm ${clip.norm()}")
      val expectedParams = initialParams.dup().addi(u)
      val expectedMoments = Nd4j.createFromArray(inOrderSum(results.map(_.updaterStateSum).toSeq): _*).divi(replicas)

      for (slices <- Seq(0, 3)) { // automatic (one per replica), and 3 uneven slices
        val plan = AggregationPlan.of(config("bits", settings :+ ("master.aggregationSlices" -> slices)), replicas,
          initialParams.length(), initialMoments.length())
        val state = new MasterState(initialParams.dup(), initialMoments.dup(), 0, 0)
        val master = new ParameterAveragingMaster(sc, new LanguageModelTask(), spec, trainSettings, new PlainAveraging(),
          maxUpdateNorm, plan, new AveragedMoments())
        val outcome = try master.runRound(state, prepared.train(), learningRate, trainSettings.localSteps) finally master.close()
        assert(outcome.replicas == replicas && plan.slices == (if (slices == 0) replicas else 3))
        assert(sameBits(state.params(), expectedParams), s"$slices slices: parameters differ from the in-order sum by " +
          maxAbsDiff(state.params(), expectedParams))
        assert(sameBits(state.updaterState(), expectedMoments), s"$slices slices: averaged moments differ")
      }
    } finally prepared.release()
  }

  test("local moments: a retried replica task and a resume give the same bits; lost moments fall back and are counted") {
    // Moments are averaged in the checkpoint rounds 3 and 4 (the last); rounds 2 and 3 start from each replica's own.
    val local = tiny ++ Seq("master.optimizerState" -> "local", "checkpoint.everyRounds" -> 3, "train.rounds" -> 4)
    val clean = train("local-clean", local: _*)
    val parameters = clean.finalState().params().length()
    for (row <- rows(clean)) {
      assert(row.number("broadcastBytes") == 4L * parameters, "the broadcast carries the parameters only")
      assert(row.number("momentFallbacks") == 0)
    }
    val (plain, averaging) = (rows(clean)(0), rows(clean)(2))
    assert(tasks(plain, "tasks", "shuffleWriteBytes") < 0.5 * tasks(averaging, "tasks", "shuffleWriteBytes"),
      "rounds that do not average the moments send the updates alone")
    val averaged = train("local-vs-average", local.filterNot(_._1 == "master.optimizerState"): _*)
    assert(maxAbsDiff(averaged.finalState().params(), clean.finalState().params()) > 1e-6, "local moments change training")

    FaultInjection.install("fail-task:2:1:1") // round 2 starts from kept moments; partition 1 dies before step 2
    val retried = train("local-retried", local: _*)
    assert(tasks(rows(retried)(1), "tasks", "failed") == 1, "the injected failure happened and was retried")
    assert(sameBits(retried.finalState().params(), clean.finalState().params()), "the retry saw other moments")

    FaultInjection.install("")
    train("local-split", local.filterNot(_._1 == "train.rounds") :+ ("train.rounds" -> 3): _*)
    val resumed = train("local-split", local: _*)
    assert(sameBits(resumed.finalState().params(), clean.finalState().params()), "resume is not exact")
    assert(sameBits(resumed.finalState().updaterState(), clean.finalState().updaterState()))

    FaultInjection.install("forget-moments:2:1:0") // as if Spark ran replica 1 on another executor in round 2
    val forgot = train("local-forgot-a", local: _*)
    val again = train("local-forgot-b", local: _*)
    assert(rows(forgot).map(_.number("momentFallbacks").toInt) == Seq(0, 1, 0, 0))
    assert(sameBits(forgot.finalState().params(), again.finalState().params()), "the fallback is deterministic")
    assert(maxAbsDiff(forgot.finalState().params(), clean.finalState().params()) > 0, "the fallback changed training")
    assert(!forgot.finalState().params().isNaN.any())
  }

  test("bfloat16 and float16 updates: half the update bytes, retries give the same bits, training stays close") {
    // Local moments averaged only at the end: rounds 1 and 2 send the updates alone, so their bytes show the format.
    val settings = tiny ++ Seq("model.hiddenSize" -> 64, "master.optimizerState" -> "local", "train.rounds" -> 3)
    val float32 = train("precision-float32", settings: _*)
    for (precision <- Seq("bfloat16", "float16")) {
      val reduced = train(s"precision-$precision", settings :+ ("master.deltaPrecision" -> precision): _*)
      val ratio = tasks(rows(reduced).head, "tasks", "shuffleWriteBytes").toDouble /
        tasks(rows(float32).head, "tasks", "shuffleWriteBytes")
      assert(ratio > 0.4 && ratio < 0.6, s"$precision: update bytes $ratio of float32's")
      val diff = maxAbsDiff(reduced.finalState().params(), float32.finalState().params())
      assert(diff > 0 && diff < 1e-3, s"$precision: parameters differ from float32 training by $diff")
      val loss = rows(reduced).last.number("trainLoss") / rows(float32).last.number("trainLoss")
      assert(math.abs(loss - 1) < 0.01, s"$precision: training loss $loss of float32's")

      FaultInjection.install("fail-task:2:0:0")
      val retried = train(s"precision-$precision-retried", settings :+ ("master.deltaPrecision" -> precision): _*)
      FaultInjection.install("")
      assert(tasks(rows(retried)(1), "tasks", "failed") == 1)
      assert(sameBits(retried.finalState().params(), reduced.finalState().params()), s"$precision: retry changed the bits")
    }
  }

  test("settings that cannot serve a round are refused before training with exit code 2, no stack trace") {
    val log = dir.resolve("refused.log").toFile
    val args = Seq("train", "--master", "local[2]", "--set", s"data.corpus=${corpus.toUri}",
      "--set", s"checkpoint.root=${dir.resolve("runs-refused").toUri}", "--set", "run.id=refused") ++
      (wide ++ Seq("master.replicas" -> 4)).flatMap { case (k, v) => Seq("--set", s"$k=$v") }
    // A 0.9 M-parameter model sends the driver about 11 MB per round; allow 1 MB.
    val child = ChildJvm.start("io.sparkrnn.cli.Main", "768m", Seq("-Dspark.driver.maxResultSize=1m"), args, log)
    assert(child.waitFor(180, TimeUnit.SECONDS), "sparkrnn train did not finish in 180 s")
    val output = new String(Files.readAllBytes(log.toPath), StandardCharsets.UTF_8)
    assert(child.exitValue() == ExitCodes.CONFIG, output)
    assert("above spark.driver.maxResultSize = 1 MB: raise it to at least 1[01]m".r.findFirstIn(output).isDefined, output)
    assert(output.contains("cannot serve a round of 4 replicas"), output)
    assert(!output.contains("\tat ") && !output.contains("round 1/"), "no stack trace, no round trained: " + output)
  }
}

/** One replica's whole result per partition, as the master collected them before the aggregation was sliced. */
final class WholeResult(task: ReplicaTask) extends FlatMapFunction[java.util.Iterator[WindowShard], ReplicaResult] {
  override def call(shard: java.util.Iterator[WindowShard]): java.util.Iterator[ReplicaResult] =
    java.util.Collections.singletonList(task.call(shard)).iterator()
}
