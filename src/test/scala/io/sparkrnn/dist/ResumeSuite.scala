package io.sparkrnn.dist

import com.fasterxml.jackson.databind.ObjectMapper
import io.sparkrnn.config.{ExitCodes, RunConfig}
import io.sparkrnn.metrics.{ConsoleProgress, MetricsJournal, MetricsRow}
import io.sparkrnn.testkit.{BitExact, LocalSpark, MiniHdfs, RunConfigs, TestCorpora}
import org.apache.spark.SparkConf
import org.scalatest.funsuite.AnyFunSuite

import java.io.{BufferedReader, ByteArrayOutputStream, File, InputStreamReader, PrintStream}
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import java.util.concurrent.TimeUnit
import scala.collection.JavaConverters._

/**
 * Exact resume on a real local[2] Spark: a run stopped after round k (by its round limit, or by SIGKILL in a
 * child JVM writing to HDFS) and started again ends with the parameters and metrics of the uninterrupted run;
 * a checkpoint of another model shape or vocabulary is refused.
 */
class ResumeSuite extends AnyFunSuite with LocalSpark {
  private lazy val dir: Path = TestCorpora.tempDir("resume-suite")
  private lazy val corpus: Path = TestCorpora.mobyDickPrefix(dir, 30000)
  private var started: Option[MiniHdfs] = None
  private def hdfs: MiniHdfs = started.getOrElse { started = Some(new MiniHdfs); started.get }
  private val console = new ByteArrayOutputStream()
  private val progress = new ConsoleProgress(new PrintStream(console, true, "UTF-8"), false)

  /**
   * Nesterov outer steps and dropout, so that the outer state and the dropout streams must resume too; highway
   * connections, the mode with the most parameter kinds (gates, projection), so that every one is restored.
   */
  private val settings: Seq[(String, Any)] = Seq("model.layers" -> 2, "model.hiddenSize" -> 24,
    "model.connections" -> "highway",
    "model.embeddingSize" -> 8, "model.seqLength" -> 16, "model.dropout" -> 0.1, "train.batchSize" -> 8,
    "train.averagingFrequency" -> 2, "master.replicas" -> 2, "master.outer" -> "nesterov",
    "eval.everyRounds" -> 2, "eval.maxWindows" -> 32, "checkpoint.everyRounds" -> 100, "checkpoint.keep" -> 2,
    "data.blockSize" -> 1024, "data.validationFraction" -> 0.1)
  private val lossFields = Seq("trainLoss", "trainBpc", "valLoss", "valBpc", "gradNormMean", "gradNormMax", "clipRate",
    "updateNorm", "appliedUpdateNorm", "epoch", "tokens")

  override protected def sparkConf: SparkConf = MiniHdfs.clientSettings.foldLeft(super.sparkConf) {
    case (conf, (k, v)) => conf.set("spark.hadoop." + k, v)
  }

  override def afterAll(): Unit = try super.afterAll() finally started.foreach(_.stop())

  private def config(root: String, runId: String, rounds: Int, extra: (String, Any)*): RunConfig =
    RunConfigs(corpus, dir, (settings ++ Seq("checkpoint.root" -> root, "run.id" -> runId, "train.rounds" -> rounds) ++ extra): _*)

  private def train(config: RunConfig): TrainingSummary = new TrainingRun(sc, config, false, progress).run()

  private lazy val localRoot = dir.resolve("runs").toUri.toString
  /** The reference: six rounds without a stop. */
  private lazy val uninterrupted = train(config(localRoot, "uninterrupted", 6))

  private def maxAbsDiff(a: TrainingSummary, b: TrainingSummary): Double =
    a.finalState().params().sub(b.finalState().params()).amaxNumber().doubleValue()

  /** Bit for bit, as docs/OPERATIONS.md promises on CPU with OMP_NUM_THREADS=1 (Surefire's environment). */
  private def assertSameState(expected: TrainingSummary, actual: TrainingSummary, what: String): Unit = {
    BitExact.assertSameBits(expected.finalState().params(), actual.finalState().params(), s"$what: parameters")
    BitExact.assertSameBits(expected.finalState().updaterState(), actual.finalState().updaterState(),
      s"$what: optimizer state")
  }

  private def rowsOf(runUri: String): Seq[MetricsRow] = MetricsJournal.read(runUri, sc.hadoopConfiguration()).asScala.toSeq

  private def assertSameRows(expected: Seq[MetricsRow], actual: Seq[MetricsRow], rounds: Range): Unit =
    for (round <- rounds; field <- lossFields) {
      val e = expected.find(_.number("round") == round).get.number(field)
      val a = actual.find(_.number("round") == round).get.number(field)
      assert(java.lang.Double.compare(e, a) == 0, s"round $round, $field: uninterrupted $e, resumed $a")
    }

  test("3 rounds, then the same run to 6 rounds: the parameters and metrics of 6 uninterrupted rounds") {
    val reference = uninterrupted
    val first = train(config(localRoot, "split", 3))
    assert(first.rows().size() == 3 && first.checkpointUri().endsWith("ckpt-00000003"))
    console.reset()
    val resumed = train(config(localRoot, "split", 6))
    assert(console.toString("UTF-8").contains("resuming"), console.toString("UTF-8"))
    assert(!console.toString("UTF-8").contains("warning"), console.toString("UTF-8"))
    assert(resumed.rows().size() == 6, "the journal keeps rounds 1-3 and adds 4-6")

    assertSameState(reference, resumed, "resumed after round 3")
    assert(maxAbsDiff(reference, first) > 1e-3, "rounds 4-6 moved the parameters")
    def journal(run: String) = rowsOf(dir.resolve(s"runs/$run").toUri.toString)
    assert(journal("split").map(_.number("round").toInt) == (1 to 6))
    assertSameRows(journal("uninterrupted"), journal("split"), 4 to 6)
    assert(resumed.finalState().bestValidationLoss() == reference.finalState().bestValidationLoss())

    // state.json names everything the resume used.
    val state = new ObjectMapper().readTree(dir.resolve("runs/split/ckpt-00000006/state.json").toFile)
    assert(state.get("format").asInt() == 2 && state.get("round").asInt() == 6 && state.get("steps").asLong() == 12)
    assert(state.get("replicas").asInt() == 2 && state.get("seeds").get("run").asLong() == 42)
    assert(state.get("outer").get("kind").asText() == "nesterov")
    assert(state.get("outer").get("values").asLong() == state.get("model").get("parameters").asLong())
    assert(state.get("model").get("updaterStateValues").asLong() == 2 * state.get("model").get("parameters").asLong())
    assert(state.get("vocabulary").get("fingerprint").asText().matches("[0-9a-f]{64}"))
    assert(state.get("bestValidationLoss").asDouble() == reference.finalState().bestValidationLoss())
    assert(state.get("config").asText().contains("master.outer = \"nesterov\""))
    assert(state.get("initFrom").isNull && state.get("unknownCharacters").asLong() == 0)
  }

  test("resuming with another model shape or another vocabulary is refused with exit code 4") {
    uninterrupted
    val latest = Files.readAllBytes(dir.resolve("runs/uninterrupted/LATEST"))
    val shape = intercept[RunError](train(config(localRoot, "uninterrupted", 8, "model.hiddenSize" -> 32)))
    assert(shape.exitCode() == ExitCodes.CHECKPOINT)
    assert(shape.getMessage.contains("model.hiddenSize is 24 in the checkpoint but 32 in the config"), shape.getMessage)
    assert(shape.getMessage.contains("--set model.hiddenSize=24"), shape.getMessage)

    val greek = dir.resolve("greek.txt")
    Files.write(greek, (new String(Files.readAllBytes(corpus), StandardCharsets.UTF_8) + "\nαβγ αβ\n").getBytes(StandardCharsets.UTF_8))
    val vocabulary = intercept[RunError](train(config(localRoot, "uninterrupted", 8, "data.corpus" -> greek.toUri)))
    assert(vocabulary.exitCode() == ExitCodes.CHECKPOINT)
    assert(vocabulary.getMessage.contains("the corpus has characters the checkpoint lacks: 3 ('α' 'β' 'γ')"), vocabulary.getMessage)
    assert(vocabulary.getMessage.contains("--init-from"), vocabulary.getMessage)

    val optimizer = intercept[RunError](train(config(localRoot, "uninterrupted", 8, "master.outer" -> "average")))
    assert(optimizer.exitCode() == ExitCodes.CHECKPOINT && optimizer.getMessage.contains("master.outer"), optimizer.getMessage)
    assert(Files.readAllBytes(dir.resolve("runs/uninterrupted/LATEST")).sameElements(latest), "a refused resume changes nothing")
    assert(rowsOf(dir.resolve("runs/uninterrupted").toUri.toString).size == 6)
  }

  test("a training JVM killed with SIGKILL after its first checkpoints on HDFS resumes to the uninterrupted result") {
    val reference = uninterrupted
    val root = hdfs.uri + "/runs"
    val runId = "killed"
    val child = startChild(root, runId)
    try {
      val lines = new BufferedReader(new InputStreamReader(child.getInputStream, StandardCharsets.UTF_8))
      val seen = Iterator.continually(lines.readLine()).takeWhile(_ != null).find(_.startsWith("round 2/6"))
      assert(seen.isDefined, "the child ended before round 2; see " + dir.resolve("child-stderr.txt"))
    } finally {
      child.destroyForcibly() // SIGKILL: no shutdown hooks, no finally blocks in the child
      assert(child.waitFor(30, TimeUnit.SECONDS))
    }
    val latest = hdfs.readString(s"/runs/$runId/LATEST").trim
    val killedAt = latest.stripPrefix("ckpt-").toInt
    assert(killedAt >= 2 && killedAt < 6, s"killed after round 2 and before the end, LATEST says $latest")
    assert(!hdfs.exists(s"/runs/$runId/ckpt-00000006"))

    console.reset()
    val resumed = train(config(root, runId, 6))
    assert(console.toString("UTF-8").contains(s"(round $killedAt)"), console.toString("UTF-8"))
    assert(resumed.rows().size() == 6)
    assertSameState(reference, resumed, s"killed after round $killedAt and resumed")
    assertSameRows(rowsOf(dir.resolve("runs/uninterrupted").toUri.toString), rowsOf(s"$root/$runId"), killedAt + 1 to 6)
    assert(hdfs.readString(s"/runs/$runId/LATEST").trim == "ckpt-00000006")
  }

  /** `sparkrnn train` in its own JVM, with the suite's settings and progress lines on its standard output. */
  private def startChild(root: String, runId: String): Process = {
    val java = new File(System.getProperty("java.home"), "bin/java").getPath
    val opens = Files.readAllLines(new File(System.getProperty("project.basedir", "."), "deploy/java17-opens.txt").toPath)
      .asScala.map(_.trim).filterNot(l => l.isEmpty || l.startsWith("#"))
    val hadoop = MiniHdfs.clientSettings.map { case (k, v) => s"-Dspark.hadoop.$k=$v" }
    val sets = (settings ++ Seq("data.corpus" -> corpus.toUri, "checkpoint.root" -> root, "run.id" -> runId,
      "train.rounds" -> 6, "sample.length" -> 0, "checkpoint.everyRounds" -> 1)).flatMap { case (k, v) => Seq("--set", s"$k=$v") }
    val command = Seq(java, "-Xmx768m", "-XX:TieredStopAtLevel=1") ++ opens ++ hadoop ++
      Seq("-cp", System.getProperty("java.class.path"), "io.sparkrnn.cli.Main", "train", "--master", "local[2]") ++ sets
    new ProcessBuilder(command.asJava).redirectError(dir.resolve("child-stderr.txt").toFile).start()
  }
}
