package io.sparkrnn.dist

import com.fasterxml.jackson.databind.ObjectMapper
import io.sparkrnn.config.ExitCodes
import io.sparkrnn.metrics.{MetricsJournal, MetricsRow}
import org.apache.hadoop.conf.Configuration
import io.sparkrnn.testkit.{InProcessCli, TestCorpora}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import scala.collection.JavaConverters._
import scala.util.Random

/**
 * task = classify end to end, as users run it (the sparkrnn command in this JVM on a real local[2] Spark with
 * 2 replicas): training on a generated corpus whose label is readable from the text, the classifier's checkpoint,
 * exact resume, evaluate's report, and the errors for bad lines and misuse.
 */
class ClassifySuite extends AnyFunSuite {
  private lazy val dir: Path = TestCorpora.tempDir("classify-suite")
  private lazy val corpus: Path = ClassifySuite.write(dir.resolve("labeled.tsv"), ClassifySuite.separableLines(900, 5))
  private lazy val root = dir.resolve("runs")

  private def settings(runId: String, rounds: Int): Seq[String] = Seq(
    "task=classify", s"data.corpus=${corpus.toUri}", s"checkpoint.root=${root.toUri}", s"run.id=$runId",
    "model.cell=gru", "model.layers=1", "model.hiddenSize=16", "model.embeddingSize=8", "model.seqLength=24",
    "model.bidirectional=true", "model.pooling=mean", "train.batchSize=16", "train.averagingFrequency=4",
    "train.learningRate=0.01", "master.replicas=2", "data.validationFraction=0.2", "eval.everyRounds=2",
    "checkpoint.everyRounds=2", s"train.rounds=$rounds", "log.quiet=false").flatMap(s => Seq("--set", s))

  private def train(runId: String, rounds: Int, flags: String*): (Int, String, String) =
    InProcessCli.runCapturingErrors((Seq("train", "--master", "local[2]") ++ flags ++ settings(runId, rounds)): _*)

  private def rows(runId: String): Seq[MetricsRow] =
    MetricsJournal.read(root.resolve(runId).toUri.toString, new Configuration()).asScala.toSeq

  test("a classifier trains on 2 replicas, checkpoints its labels, resumes exactly, and evaluate reports accuracy and F1") {
    val (code, out, err) = train("whole", 8, "--fresh")
    assert(code == ExitCodes.OK, s"$out\n$err")
    assert(out.contains("3 labels [animal, color, number]"), out)
    assert(out.contains("done: validation accuracy"), out)
    val whole = rows("whole")
    assert(whole.size == 8)
    val accuracy = whole.last.number("valAccuracy")
    // Chance is 1/3. Measured on 2 cores: 0.77 after round 2, 0.93 after 4, 0.99 after 8.
    assert(accuracy > 0.9, s"validation accuracy $accuracy")
    assert(whole.last.number("valMacroF1") > 0.9, whole.last.toJson)
    assert(out.contains(f"acc $accuracy%.3f"), "the console line shows the accuracy")

    val checkpoint = root.resolve("whole/ckpt-00000008")
    val labels = new ObjectMapper().readTree(checkpoint.resolve("labels.json").toFile)
    assert(labels.get("labels").elements().asScala.map(_.asText).toSeq == Seq("animal", "color", "number"))
    val checksums = new String(Files.readAllBytes(checkpoint.resolve("checksums.json")), StandardCharsets.UTF_8)
    assert(checksums.contains("\"labels.json\""), checksums)

    // The same run stopped after round 4 and resumed: the same figures as the uninterrupted one.
    assert(train("split", 4, "--fresh")._1 == ExitCodes.OK)
    val (resumed, resumedOut, resumedErr) = train("split", 8, "--resume")
    assert(resumed == ExitCodes.OK, s"$resumedOut\n$resumedErr")
    assert(resumedOut.contains("resuming"), resumedOut)
    val split = rows("split")
    assert(split.map(_.number("round").toInt) == (1 to 8))
    for (round <- Seq(6, 8))
      assert(split(round - 1).number("valLoss") == whole(round - 1).number("valLoss"), s"round $round")

    val (evaluated, report, evalErr) = InProcessCli.runCapturingErrors("evaluate", "--master", "local[2]",
      "--checkpoint", checkpoint.toUri.toString)
    assert(evaluated == ExitCodes.OK, evalErr)
    assert(report.contains(f"accuracy $accuracy%.4f"), report)
    assert("""(?m)^label +precision +recall +F1 +support$""".r.findFirstIn(report).isDefined, report)
    for (label <- Seq("animal", "color", "number"))
      assert(s"""(?m)^$label +[01]\\.[0-9]{4} +[01]\\.[0-9]{4} +[01]\\.[0-9]{4} +[0-9]+$$""".r.findFirstIn(report).isDefined, report)

    val (generated, _, generateErr) = InProcessCli.runCapturingErrors("generate", "--checkpoint", checkpoint.toUri.toString)
    assert(generated == ExitCodes.CONFIG)
    assert(generateErr.contains("is a classifier"), generateErr)
    val (gated, _, gateErr) = InProcessCli.runCapturingErrors("evaluate", "--master", "local[2]",
      "--checkpoint", checkpoint.toUri.toString, "--baseline", checkpoint.toUri.toString)
    assert(gated == ExitCodes.CONFIG)
    assert(gateErr.contains("--baseline gates language models"), gateErr)
  }

  test("lines without a TAB or with an empty label stop the run with the corpus exit code, counted and shown") {
    val bad = ClassifySuite.write(dir.resolve("bad.tsv"),
      ClassifySuite.separableLines(40, 6) ++ Seq("no tab on this line", "\tan empty label"))
    val (code, out, err) = InProcessCli.runCapturingErrors(("train" +: "--master" +: "local[2]" +: "--fresh" +:
      settings("bad", 2)) ++ Seq("--set", s"data.corpus=${bad.toUri}"): _*)
    assert(code == ExitCodes.CORPUS, s"$out\n$err")
    assert(err.contains("2 of 42 lines of corpus"), err)
    assert(err.contains("are not 'label<TAB>text'"), err)
    assert(err.contains("bad.tsv: no TAB between label and text in \"no tab on this line\""), err)
    assert(err.contains("empty label"), err)
    assert(!Files.exists(root.resolve("bad/LATEST")))
  }

  test("a bidirectional language model is refused with the configuration exit code, saying why") {
    val (code, out, err) = InProcessCli.runCapturingErrors("train", "--set", "model.bidirectional=true")
    assert(code == ExitCodes.CONFIG, out)
    assert(err.contains("model.bidirectional = true is not allowed with task = lm"), err)
    assert(err.contains("reads the characters it must predict"), err)
    assert(!out.contains("Spark "), "Spark must not start on a bad config")
  }
}

object ClassifySuite {
  private val words = Map(
    "animal" -> Seq("cat", "dog", "horse", "whale", "mouse", "tiger"),
    "color" -> Seq("red", "blue", "green", "yellow", "purple", "white"),
    "number" -> Seq("one", "two", "three", "seven", "eleven", "twenty"))

  /** `n` lines 'label<TAB>text' of 1 to 6 words of the label's kind: separable, of varied length. */
  def separableLines(n: Int, seed: Long): Seq[String] = {
    val random = new Random(seed)
    val labels = words.keys.toSeq.sorted
    (0 until n).map { _ =>
      val label = labels(random.nextInt(labels.size))
      val text = Seq.fill(1 + random.nextInt(6))(words(label)(random.nextInt(6))).mkString(" ")
      s"$label\t$text"
    }
  }

  def write(file: Path, lines: Seq[String]): Path = {
    Files.write(file, lines.mkString("", "\n", "\n").getBytes(StandardCharsets.UTF_8))
    file
  }
}
