package io.sparkrnn.cli

import com.fasterxml.jackson.databind.ObjectMapper
import io.sparkrnn.config.ExitCodes
import io.sparkrnn.dist.CorpusSource
import io.sparkrnn.metrics.MetricsJournal
import org.apache.hadoop.conf.Configuration
import io.sparkrnn.testkit.TestCorpora
import org.apache.commons.io.FileUtils
import org.scalatest.funsuite.AnyFunSuite

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.charset.StandardCharsets
import java.nio.file.attribute.PosixFilePermissions
import java.nio.file.{Files, Path}
import scala.collection.JavaConverters._

/**
 * The commands a nightly retraining pipeline runs, in this JVM as users run them: train with checkpoint
 * permissions, the evaluate gate's exit codes, promote, a warm start on a corpus with characters the
 * vocabulary lacks, and a checkpoint location that cannot be written.
 */
class RetrainingPipelineSuite extends AnyFunSuite {
  private lazy val dir: Path = TestCorpora.tempDir("pipeline-suite")
  private lazy val corpus: Path = TestCorpora.mobyDickPrefix(dir, 30000)
  private lazy val runs: Path = dir.resolve("runs")
  private val model = Seq("model.layers=1", "model.hiddenSize=32", "model.embeddingSize=16", "model.seqLength=32",
    "train.batchSize=16", "train.learningRate=0.01", "train.averagingFrequency=8", "master.replicas=2",
    "data.blockSize=1024", "data.validationFraction=0.1", "eval.maxWindows=64", "eval.everyRounds=1",
    "sample.length=0", "log.quiet=false")

  private def sets(settings: Seq[String]): Seq[String] = settings.flatMap(s => Seq("--set", s))

  /** Runs `sparkrnn args` in this JVM; returns (exit code, standard output, standard error). */
  private def sparkrnn(args: String*): (Int, String, String) = {
    val (out, err) = (new ByteArrayOutputStream(), new ByteArrayOutputStream())
    val (originalOut, originalErr) = (System.out, System.err)
    System.setOut(new PrintStream(out, true, "UTF-8"))
    System.setErr(new PrintStream(err, true, "UTF-8"))
    try {
      val code = Main.run(args: _*)
      (code, out.toString("UTF-8"), err.toString("UTF-8"))
    } finally {
      System.setOut(originalOut)
      System.setErr(originalErr)
    }
  }

  private def train(runId: String, corpusFile: Path, extra: String*): (Int, String, String) =
    sparkrnn((Seq("train", "--master", "local[2]") ++ sets(model ++ Seq(s"data.corpus=${corpusFile.toUri}",
      s"checkpoint.root=${runs.toUri}", s"run.id=$runId")) ++ extra): _*)

  /** Four rounds on the first corpus, a checkpoint after each, with private permissions. */
  private lazy val source: Path = {
    val (code, out, err) = train("source", corpus, sets(Seq("train.rounds=4", "checkpoint.everyRounds=1",
      "checkpoint.keep=4", "eval.everyRounds=4", "checkpoint.dirPermission=700", "checkpoint.filePermission=600")): _*)
    assert(code == ExitCodes.OK, s"$out\n$err")
    runs.resolve("source")
  }

  private def checkpoint(round: Int): String = source.resolve(f"ckpt-$round%08d").toUri.toString

  /** The candidate's and the baseline's validation bits per character, as evaluate prints them. */
  private def figures(out: String): Seq[Double] =
    """, ([0-9.]+) bits per character""".r.findAllMatchIn(out).map(_.group(1).toDouble).toList

  private def permissions(path: Path): String = PosixFilePermissions.toString(Files.getPosixFilePermissions(path))

  test("checkpoint.dirPermission and checkpoint.filePermission apply to run folders, checkpoints and metrics") {
    assert(permissions(source) == "rwx------")
    assert(permissions(source.resolve("ckpt-00000004")) == "rwx------")
    for (file <- Seq("ckpt-00000004/model.zip", "ckpt-00000004/state.json", "LATEST", "metrics.jsonl/part-00000.jsonl"))
      assert(permissions(source.resolve(file)) == "rw-------", file)
    assert(permissions(source.resolve("metrics.jsonl")) == "rwx------")

    val (code, out, err) = sparkrnn("train", "--set", "checkpoint.dirPermission=640")
    assert(code == ExitCodes.CONFIG, out + err)
    assert(err.contains("checkpoint.dirPermission must be 3 or 4 octal digits like chmod's, giving the owner at least rwx, got 640"), err)
  }

  test("an unwritable checkpoint location fails at start-up with exit code 4, naming the path") {
    val blocker = Files.write(dir.resolve("a-file"), "not a folder".getBytes(StandardCharsets.UTF_8))
    val (code, out, err) = train("blocked", corpus, "--set", s"checkpoint.root=${blocker.toUri}/runs")
    assert(code == ExitCodes.CHECKPOINT, out + err)
    assert(err.contains(s"Cannot write checkpoints to file:${blocker}/runs/blocked"), err)
    assert(!out.contains("round 1/"), "no training before the check")
  }

  test("evaluate --baseline: better, worse within the margin, worse beyond it -> exit codes 0, 0, 10") {
    val (better, betterOut, betterErr) = sparkrnn("evaluate", "--master", "local[2]", "--checkpoint", checkpoint(4),
      "--baseline", checkpoint(1), "--max-regression", "0.02")
    assert(better == ExitCodes.OK, betterOut + betterErr)
    val Seq(bpc4, bpc1) = figures(betterOut)
    assert(bpc1 - bpc4 > 0.1, s"four rounds should beat one: $bpc4 vs $bpc1")
    assert(betterOut.contains("allowed 0.0200: PASS"), betterOut)

    val (worse, worseOut, _) = sparkrnn("evaluate", "--master", "local[2]", "--checkpoint", checkpoint(1),
      "--baseline", checkpoint(4), "--max-regression", "0.02")
    assert(worse == ExitCodes.REGRESSION, worseOut)
    assert(figures(worseOut) == Seq(bpc1, bpc4), "the same held-out data, the same figures")
    assert(worseOut.contains("regression +") && worseOut.contains("allowed 0.0200: FAIL"), worseOut)

    val margin = f"${bpc1 - bpc4 + 0.01}%.4f"
    val (within, withinOut, _) = sparkrnn("evaluate", "--master", "local[2]", "--checkpoint", checkpoint(1),
      "--baseline", checkpoint(4), "--max-regression", margin)
    assert(within == ExitCodes.OK, withinOut)

    val (noBaseline, _, noBaselineErr) = sparkrnn("evaluate", "--checkpoint", checkpoint(1), "--max-regression", "0.02")
    assert(noBaseline == ExitCodes.CONFIG && noBaselineErr.contains("--max-regression needs --baseline"), noBaselineErr)
    val (negative, _, negativeErr) = sparkrnn("evaluate", "--checkpoint", checkpoint(1), "--baseline", checkpoint(4),
      "--max-regression", "-0.1")
    assert(negative == ExitCodes.CONFIG && negativeErr.contains("--max-regression must be"), negativeErr)
  }

  test("promote copies a verified checkpoint to production atomically, keeps older copies, refuses a damaged one") {
    val production = dir.resolve("production")
    val (first, firstOut, firstErr) = sparkrnn("promote", "--checkpoint", checkpoint(4), "--to", production.toUri.toString)
    assert(first == ExitCodes.OK, firstOut + firstErr)
    assert(latest(production) == "ckpt-00000001")
    assert(Files.readAllBytes(production.resolve("ckpt-00000001/model.zip"))
      .sameElements(Files.readAllBytes(source.resolve("ckpt-00000004/model.zip"))))
    val record = new ObjectMapper().readTree(production.resolve("ckpt-00000001/promotion.json").toFile)
    assert(record.get("source").asText().endsWith("source/ckpt-00000004") && record.get("sourceRound").asLong() == 4)
    assert(firstOut.contains("(run source, round 4)"), firstOut)

    // A run folder means its latest checkpoint; keep=1 leaves only the newest copy.
    val (second, secondOut, _) = sparkrnn("promote", "--checkpoint", source.toUri.toString, "--to",
      production.toUri.toString, "--set", "checkpoint.keep=1")
    assert(second == ExitCodes.OK, secondOut)
    assert(latest(production) == "ckpt-00000002" && !Files.exists(production.resolve("ckpt-00000001")))

    val damaged = dir.resolve("damaged/run/ckpt-00000001")
    FileUtils.copyDirectory(source.resolve("ckpt-00000001").toFile, damaged.toFile)
    val bytes = Files.readAllBytes(damaged.resolve("model.zip"))
    bytes(bytes.length / 2) = (bytes(bytes.length / 2) ^ 0x55).toByte
    Files.write(damaged.resolve("model.zip"), bytes)
    val (refused, _, refusedErr) = sparkrnn("promote", "--checkpoint", damaged.toUri.toString, "--to", production.toUri.toString)
    assert(refused == ExitCodes.CHECKPOINT && refusedErr.contains("checksum mismatch"), refusedErr)
    assert(latest(production) == "ckpt-00000002", "production still serves the last good copy")
    assert(Files.list(production).iterator().asScala.forall(p => !p.getFileName.toString.startsWith(".ckpt-")), "no temp folder left")

    val (generated, text, _) = sparkrnn("generate", "--checkpoint", production.toUri.toString, "--length", "20")
    assert(generated == ExitCodes.OK && text.startsWith("The "), text)
  }

  test("--init-from warm-starts a new corpus: unknown characters counted, first validation loss far below a fresh model's") {
    val known = new String(Files.readAllBytes(corpus), StandardCharsets.UTF_8).codePoints().toArray.toSet
    val (second, greekCharacters) = greekCorpus(known)

    val (fresh, freshOut, freshErr) = train("fresh-on-greek", second, "--set", "train.rounds=1")
    assert(fresh == ExitCodes.OK, freshOut + freshErr)
    val (warm, warmOut, warmErr) = train("warm-on-greek", second, "--set", "train.rounds=1", "--init-from", source.toUri.toString)
    assert(warm == ExitCodes.OK, warmOut + warmErr)
    assert(warmOut.contains(f"unknown characters: $greekCharacters%,d corpus characters are not in the vocabulary"), warmOut)
    assert(warmOut.contains("warm start of"), warmOut)

    val warmRun = runs.resolve("warm-on-greek")
    val state = new ObjectMapper().readTree(warmRun.resolve("ckpt-00000001/state.json").toFile)
    assert(state.get("unknownCharacters").asLong() == greekCharacters)
    assert(state.get("initFrom").get("round").asInt() == 4 && state.get("round").asInt() == 1)
    assert(state.get("initFrom").get("checkpoint").asText().endsWith("source/ckpt-00000004"))
    assert(new String(Files.readAllBytes(warmRun.resolve("ckpt-00000001/vocab.json")), StandardCharsets.UTF_8)
      == new String(Files.readAllBytes(source.resolve("ckpt-00000004/vocab.json")), StandardCharsets.UTF_8))
    def firstRow(run: String) = MetricsJournal.read(runs.resolve(run).toUri.toString, new Configuration()).get(0)
    assert(firstRow("warm-on-greek").number("unknownCharacters") == greekCharacters)
    val (warmLoss, freshLoss) = (firstRow("warm-on-greek").number("valLoss"), firstRow("fresh-on-greek").number("valLoss"))
    assert(warmLoss < freshLoss - 0.3, s"warm start $warmLoss, fresh $freshLoss")

    // The same command again (a retried pipeline step) resumes the warm-started run; another source is refused.
    val (again, againOut, _) = train("warm-on-greek", second, "--set", "train.rounds=1", "--init-from", source.toUri.toString)
    assert(again == ExitCodes.OK && againOut.contains("resuming") && againOut.contains("nothing to train"), againOut)
    val (other, _, otherErr) = train("warm-on-greek", second, "--set", "train.rounds=3", "--init-from", checkpoint(3))
    assert(other == ExitCodes.RUN_CONFLICT && otherErr.contains("already holds a run started from"), otherErr)
  }

  private def latest(folder: Path): String =
    new String(Files.readAllBytes(folder.resolve("LATEST")), StandardCharsets.UTF_8).trim

  /**
   * Another part of Moby-Dick, cut to the first corpus's characters, with a Greek word at the start of every
   * tenth line: (file, number of Greek characters).
   */
  private def greekCorpus(known: Set[Int]): (Path, Long) = {
    val lines = CorpusSource.bundledLines("moby-dick").asScala.slice(20000, 21000).map { line =>
      val kept = line.codePoints().filter(cp => known.contains(cp)).toArray
      new String(kept, 0, kept.length)
    }
    val greek = "λόγος "
    val text = lines.zipWithIndex.map { case (line, i) => if (i % 10 == 0) greek + line else line }.mkString("\n") + "\n"
    val file = Files.write(dir.resolve("greek.txt"), text.getBytes(StandardCharsets.UTF_8))
    (file, (lines.size + 9) / 10 * greek.trim.codePointCount(0, greek.trim.length).toLong)
  }
}
