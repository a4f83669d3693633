package io.sparkrnn.dist

import com.fasterxml.jackson.databind.JsonNode
import io.sparkrnn.metrics.{ConsoleProgress, MetricsRow, ReplicaAccumulators, RoundMonitor}
import io.sparkrnn.notebooks.{NoteCompiler, NoteRunner, ZeppelinNote}
import io.sparkrnn.testkit.{LocalSpark, RunConfigs, SparkRestApi, TestCorpora}
import org.apache.spark.SparkConf
import org.apache.spark.TaskContext
import org.apache.spark.api.java.function.Function
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.types.{StructField, StructType}
import org.scalatest.concurrent.Eventually
import org.scalatest.funsuite.AnyFunSuite
import org.scalatest.time.{Seconds, Span}

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.file.{Files, Path, Paths}
import java.util.Locale
import java.util.regex.Matcher
import scala.collection.JavaConverters._

/**
 * A short training run in local mode with the Spark UI on, read back through the UI's REST API over HTTP:
 * job descriptions, the replica stages' accumulators, the listener's task facts, and metrics.jsonl read by
 * Spark SQL against the field list of docs/MONITORING.md.
 */
class SparkUiMonitoringSuite extends AnyFunSuite with LocalSpark with Eventually {
  import SparkUiMonitoringSuite._

  // Two task slots; a failed task is tried once more (local mode's default is no retry).
  override protected def master: String = "local[2,2]"

  override protected def sparkConf: SparkConf = super.sparkConf
    .set("spark.ui.enabled", "true")
    .set("spark.ui.port", "0")

  private val runId = "monitored"
  private val rounds = 4
  private val replicas = 2
  private val localSteps = 2

  private lazy val dir: Path = TestCorpora.tempDir("monitoring-suite")
  private lazy val summary: TrainingSummary = {
    val corpus = TestCorpora.mobyDickPrefix(dir, 30000)
    val config = RunConfigs(corpus, dir.resolve("runs"), "run.id" -> runId, "model.layers" -> 1,
      "model.hiddenSize" -> 16, "model.embeddingSize" -> 8, "model.seqLength" -> 16, "train.batchSize" -> 8,
      "data.blockSize" -> 1024, "data.validationFraction" -> 0.1, "eval.maxWindows" -> 32,
      "master.replicas" -> replicas, "train.averagingFrequency" -> localSteps, "train.rounds" -> rounds,
      // Gradient norms of this model are 0.26-0.31 (measured): clip some steps, so the counter has work.
      "train.maxGradNorm" -> 0.27, "eval.everyRounds" -> 2, "checkpoint.everyRounds" -> 4)
    new TrainingRun(sc, config, true, new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true)).run()
  }
  private def rows: Seq[MetricsRow] = summary.rows().asScala.toSeq
  private lazy val api = new SparkRestApi(sc)

  private def fmt(pattern: String, value: Double): String = pattern.formatLocal(Locale.ROOT, value)

  /** The run's jobs of round r, found by the description the Jobs page shows. */
  private def jobsOfRound(r: Int): Seq[JsonNode] =
    api.jobs().filter(_.path("description").asText().startsWith(s"spark-rnn $runId · round $r/$rounds"))

  /** The stages of round r's jobs that satisfy `test`; exactly one is expected. */
  private def stageOfRound(r: Int, what: String)(test: JsonNode => Boolean): JsonNode = {
    val stageIds = jobsOfRound(r).flatMap(_.path("stageIds").elements().asScala.map(_.asInt())).toSet
    val stages = api.stages().filter(s => stageIds.contains(s.path("stageId").asInt())
      && s.path("status").asText() != "SKIPPED" && test(s))
    assert(stages.size == 1, s"round $r: expected one $what stage among stages $stageIds, got ${stages.size}")
    stages.head
  }

  /** Round r's aggregation stage: the stage of its jobs that carries the replica accumulators. */
  private def aggregationStage(r: Int): JsonNode =
    stageOfRound(r, "aggregation")(s => api.accumulators(s).contains(ReplicaAccumulators.TOKENS))

  /** Round r's replica stage: the map stage of its aggregation shuffle, the one of its stages that writes one. */
  private def replicaStage(r: Int): JsonNode = stageOfRound(r, "replica")(_.path("shuffleWriteBytes").asLong() > 0)

  /** Waits until the UI's status store has the completion of every round's replica and aggregation stages. */
  private def roundStages(): Seq[(JsonNode, JsonNode)] = eventually(timeout(Span(20, Seconds))) {
    assert(rows.size == rounds)
    val stages = (1 to rounds).map(r => (replicaStage(r), aggregationStage(r)))
    assert(stages.forall { case (a, b) => a.path("status").asText() == "COMPLETE" && b.path("status").asText() == "COMPLETE" })
    stages
  }

  test("every round's jobs run under the run's job group with round, epoch and last loss on the Jobs page") {
    assert(rows.size == rounds)
    val jobs = api.jobs()
    val ours = jobs.filter(_.path("description").asText().startsWith(s"spark-rnn $runId"))
    val descriptions = ours.map(_.path("description").asText()).toSet
    assert(descriptions.contains(s"spark-rnn $runId · preparing the corpus"), descriptions)
    assert(descriptions.contains(s"spark-rnn $runId · round 1/$rounds"), descriptions)
    for (r <- 2 to rounds) {
      val previous = rows(r - 2)
      val expected = s"spark-rnn $runId · round $r/$rounds · epoch ${fmt("%.1f", previous.number("epoch"))} · " +
        s"loss ${fmt("%.2f", previous.number("trainLoss"))}"
      assert(descriptions.contains(expected), s"no job described as '$expected' among $descriptions")
    }
    assert(ours.forall(_.path("jobGroup").asText() == s"spark-rnn $runId"), ours.map(_.path("jobGroup")))
    // Every round runs a replica job and an aggregation job; rounds 2 and 4 also evaluate. All carry the round's text.
    assert(jobsOfRound(2).size == 3 && jobsOfRound(1).size == 2, jobs.map(_.path("description")))
  }

  test("the aggregation stages' accumulators add up to the tokens and loss that metrics.jsonl reports") {
    val stages = roundStages().map(_._2)
    val accumulators = stages.map(api.accumulators)
    val tokensTrained = accumulators.map(_(ReplicaAccumulators.TOKENS).toLong).sum
    assert(tokensTrained == rows.map(_.number("tokens").toLong).sum)
    assert(tokensTrained == rounds * replicas * localSteps * 8L * 16)

    val lossSum = accumulators.map(_(ReplicaAccumulators.LOSS_SUM).toDouble).sum
    val reported = rows.map(r => r.number("trainLoss") * r.number("tokens")).sum
    assert(math.abs(lossSum - reported) <= 1e-9 * reported, s"accumulated loss $lossSum, metrics.jsonl $reported")

    for ((acc, row) <- accumulators.zip(rows)) {
      val round = row.number("round").toInt
      val steps = replicas * localSteps
      assert(acc(ReplicaAccumulators.TOKENS).toLong == row.number("tokens").toLong, s"round $round")
      assert(acc(ReplicaAccumulators.EXAMPLES).toLong == row.number("examples").toLong, s"round $round")
      // The max accumulator renders as a plain number and is exactly the round's largest gradient norm.
      assert(acc(ReplicaAccumulators.GRAD_NORM_MAX).toDouble == row.number("gradNormMax"), s"round $round: $acc")
      assert(math.abs(acc(ReplicaAccumulators.GRAD_NORM_SUM).toDouble / steps - row.number("gradNormMean")) < 1e-9)
      assert(acc(ReplicaAccumulators.CLIPPED_STEPS).toLong == math.round(row.number("clipRate") * steps))
      assert(acc(ReplicaAccumulators.NON_FINITE_STEPS).toLong == 0)
    }
    assert(rows.exists(_.number("clipRate") > 0), "train.maxGradNorm should clip some steps: gradient norms " +
      rows.map(r => (r.number("gradNormMean"), r.number("gradNormMax"))))
  }

  test("the listener's task facts and the phase timers are in every row and agree with the Stages page") {
    val stages = roundStages()
    for (((stage, aggregation), row) <- stages.zip(rows)) {
      val round = row.number("round").toInt
      val tasks = row.get("tasks").asInstanceOf[java.util.Map[String, Any]].asScala
      def number(name: String) = tasks(name).asInstanceOf[Number].doubleValue()
      assert(number("count") == replicas && number("failed") == 0, s"round $round: $tasks")
      assert(number("count") == stage.path("numCompleteTasks").asInt())
      // The listener sums the same task metrics the Stages page shows (milliseconds there).
      assert(math.abs(number("executorRunSeconds") * 1000 - stage.path("executorRunTime").asLong()) < 1, s"round $round")
      assert(math.abs(number("gcSeconds") * 1000 - stage.path("jvmGcTime").asLong()) < 1, s"round $round")
      assert(number("resultBytes") == stage.path("resultSize").asLong())
      assert(number("shuffleWriteBytes") == stage.path("shuffleWriteBytes").asLong() && number("shuffleWriteBytes") > 0)
      assert(number("stragglerRatio") >= 1.0 && number("maxSeconds") >= number("medianSeconds"))
      assert(number("maxSeconds") > 0 && number("cpuSeconds") > 0)

      val summing = row.get("aggregation").asInstanceOf[java.util.Map[String, Any]].asScala
      def summed(name: String) = summing(name).asInstanceOf[Number].doubleValue()
      assert(summed("count") == aggregation.path("numCompleteTasks").asInt() && summed("count") >= 1, s"round $round: $summing")
      assert(summed("resultBytes") == aggregation.path("resultSize").asLong())
      assert(summed("shuffleReadBytes") == aggregation.path("shuffleReadBytes").asLong())
      assert(summed("shuffleReadBytes") == number("shuffleWriteBytes"), "the aggregation reads what the replicas wrote")
      assert(row.number("driverResultBytes") == number("resultBytes") + summed("resultBytes"))

      val phases = row.get("phases").asInstanceOf[java.util.Map[String, Number]].asScala.toSeq.map { case (k, v) => k -> v.doubleValue() }
      assert(phases.map(_._1) == RoundRows.PHASES.asScala, s"round $round: $phases")
      val seconds = phases.toMap
      assert(seconds("replica compute") > 0 && seconds("aggregation") > 0 && seconds("master update") > 0)
      assert((seconds("evaluation") > 0) == (round % 2 == 0), s"round $round evaluates every 2 rounds: $phases")
      assert((seconds("checkpoint") > 0) == (round == 4), s"round $round: $phases")
      assert(math.abs(seconds.values.sum - row.number("seconds")) < 1e-9)
    }
  }

  test("metrics.jsonl read with spark.read.json has one row per round and exactly the fields docs/MONITORING.md documents") {
    val spark = SparkSession.builder().getOrCreate() // the suite's context
    val metrics = spark.read.json(summary.runUri() + "/metrics.jsonl")
    val documented = MetricsDocs.fields(Paths.get(System.getProperty("project.basedir", "."), "docs", "MONITORING.md"))
    val columns = flatten(metrics.schema)
    assert(columns.toSet == documented.toSet,
      s"undocumented: ${columns.diff(documented)}; documented but missing: ${documented.diff(columns)}")

    // One job reads every field of every row; the checks below run on those 4 rows.
    val read = metrics.select(columns.map(c => metrics.col(quoted(c))): _*).collect().toSeq
    def field(row: org.apache.spark.sql.Row, name: String): Any = row.get(columns.indexOf(name))
    assert(read.map(field(_, "round")).sortBy(_.asInstanceOf[Long]) == (1L to rounds.toLong))
    assert(read.map(field(_, "run")).toSet == Set(runId))
    // Never null: every field but the validation ones, which only rounds that evaluate (2 and 4) have.
    for (row <- read; column <- columns if column != "valLoss" && column != "valBpc") {
      assert(field(row, column) != null, s"$column is null in round ${field(row, "round")}")
    }
    assert(read.count(field(_, "valBpc") != null) == 2)
    assert(read.map(r => field(r, "tokens").asInstanceOf[Long]).sum == rows.map(_.number("tokens").toLong).sum)
  }

  test("notes 2 and 3 run on this run's metrics.jsonl and checkpoint, and each chart finds its columns") {
    val root = dir.resolve("runs").toUri.toString.stripSuffix("/")
    val notes = ZeppelinNote.all(Paths.get(System.getProperty("project.basedir", "."), "notebooks-zeppelin"))
    val runner = new NoteRunner(new NoteCompiler(NoteCompiler.testClasspath, runnable = true))
    val spark = SparkSession.builder().getOrCreate()
    assert(summary.checkpointUri() != null)
    for (note <- notes.filter(n => n.name.startsWith("2-") || n.name.startsWith("3-"))) {
      // This run instead of the notes' HDFS folder and run names; every other paragraph as it is.
      val paragraphs = note.scalaParagraphs.map { p =>
        if (p.title != "Settings") p
        else p.copy(code = p.code
          .replaceAll("val checkpointRoot = .*", Matcher.quoteReplacement(s"""val checkpointRoot = "$root""""))
          .replaceAll("\"zeppelin-[ab]\"", Matcher.quoteReplacement(s""""$runId"""")))
      }
      val problems = NoteRunner.problems(note, runner.run(note, paragraphs, spark))
      assert(problems.isEmpty, problems.mkString("\n"))
    }
  }

  test("a replica task and an aggregation task that fail and are retried are counted once by the accumulators") {
    val accumulators = ReplicaAccumulators.register(sc.sc)
    val shards = sc.parallelize(java.util.Arrays.asList[Integer](1, 2), 2)
    val plan = new AggregationPlan(2, 4, 0, 2, DeltaCodec.FLOAT32, false)
    // Round 1's aggregation task of slice 0 (which adds the statistics) dies after adding, on its first attempt.
    FaultInjection.install("fail-aggregation:1:0:0")
    val sum = try {
      sc.setJobDescription("spark-rnn retry test")
      val round = new SlicedAggregation(sc, plan, accumulators).round(shards, new FailingOnceReplica, 1, 1)
      round.train()
      try round.sum() finally round.clean()
    } finally {
      sc.setJobDescription(null)
      FaultInjection.install("")
    }
    assert(sum.tokens == 300 && sum.replicas == 2 && sum.deltaSum.toSeq == Seq(3f, 3f, 3f, 3f))
    assert(accumulators.tokens().value == 300L, "the failed attempts' updates must not count")
    assert(accumulators.examples().value == 3L && accumulators.clippedSteps().value == 2L)
    assert(accumulators.gradNormMax().value() == 2.0)

    val stages = eventually(timeout(Span(20, Seconds))) {
      val jobs = api.jobs().filter(_.path("description").asText() == "spark-rnn retry test")
      val ids = jobs.flatMap(_.path("stageIds").elements().asScala.map(_.asInt())).toSet
      val stages = api.stages().filter(s => ids.contains(s.path("stageId").asInt()) && s.path("status").asText() != "SKIPPED")
      assert(jobs.size == 2 && stages.size == 2 && stages.forall(_.path("status").asText() == "COMPLETE"))
      stages
    }
    val (aggregation, replica) = stages.partition(s => api.accumulators(s).contains(ReplicaAccumulators.TOKENS))
    assert(replica.head.path("numFailedTasks").asInt() == 1 && replica.head.path("numCompleteTasks").asInt() == 2)
    assert(aggregation.head.path("numFailedTasks").asInt() == 1 && aggregation.head.path("numCompleteTasks").asInt() == 2)
    assert(api.accumulators(aggregation.head)(ReplicaAccumulators.TOKENS) == "300")
  }

  test("a notebook's own job group labels the run's jobs (so it can cancel them) and is restored afterwards") {
    sc.setJobGroup("zeppelin-note-paragraph", "paragraph 3", true)
    val monitor = RoundMonitor.attach(sc, "in-a-notebook")
    monitor.beginRound(1, 2, null)
    sc.parallelize(java.util.Arrays.asList[Integer](1, 2, 3), 2).count()
    val facts = monitor.endRound(1)
    assert(facts.replicas().count() == 0 && facts.aggregation().count() == 0, "a job outside a round's phases has no round tasks")
    monitor.close()
    assert(sc.getLocalProperty("spark.jobGroup.id") == "zeppelin-note-paragraph")
    assert(sc.getLocalProperty("spark.job.description") == "paragraph 3")
    assert(sc.getLocalProperty("spark.job.interruptOnCancel") == "true")
    sc.clearJobGroup()
    val job = eventually(timeout(Span(20, Seconds))) {
      api.jobs().find(_.path("description").asText() == "spark-rnn in-a-notebook · round 1/2").get
    }
    assert(job.path("jobGroup").asText() == "zeppelin-note-paragraph")
  }

  private def flatten(schema: StructType, prefix: String = ""): Seq[String] = schema.fields.toSeq.flatMap {
    case StructField(name, nested: StructType, _, _) => flatten(nested, s"$prefix$name.")
    case StructField(name, _, _, _) => Seq(prefix + name)
  }

  private def quoted(column: String): String = column.split('.').map(part => s"`$part`").mkString(".")
}

object SparkUiMonitoringSuite {
  /**
   * Stands in for a replica: partition p reports 100 * p tokens and an update of four values p, and partition 2's
   * first attempt throws at the very end, as a replica dying after its training would.
   */
  final class FailingOnceReplica extends Function[java.util.Iterator[Integer], ReplicaResult] {
    override def call(shard: java.util.Iterator[Integer]): ReplicaResult = {
      val p = shard.next().intValue()
      val result = new ReplicaResult()
      result.tokens = 100L * p
      result.examples = p
      result.lossSum = 1.5 * p
      result.steps = 1
      result.gradNormSum = p
      result.gradNormMax = p
      result.clippedSteps = 1
      result.replicas = 1
      result.deltaSum = Array.fill(4)(p.toFloat)
      if (p == 2 && TaskContext.get().attemptNumber() == 0) {
        throw new IllegalStateException("injected failure of the first attempt")
      }
      result
    }
  }
}

/** The metrics.jsonl field list of docs/MONITORING.md: the first column of the table under "## metrics.jsonl". */
object MetricsDocs {
  private val Row = """^\|\s*`([^`]+)`\s*\|(.*)""".r
  private val ClassifyOnly = "`task = classify` only"

  /** The fields a language model's rows have: every documented field but those marked classify-only. */
  def fields(document: Path): Seq[String] = {
    val lines = Files.readAllLines(document).asScala
    val start = lines.indexWhere(_ == "## metrics.jsonl")
    require(start >= 0, s"$document has no '## metrics.jsonl' section")
    val section = lines.drop(start + 1).takeWhile(!_.startsWith("#"))
    section.collect { case Row(name, description) if !description.trim.startsWith(ClassifyOnly) => name }.toSeq
  }
}
