package io.sparkrnn.dist

import io.sparkrnn.checkpoint.{LogCapture, RunLock}
import io.sparkrnn.config.ExitCodes
import io.sparkrnn.metrics.ConsoleProgress
import io.sparkrnn.testkit.{ChildJvm, LocalSpark, RunConfigs, TestCorpora}
import org.scalatest.funsuite.AnyFunSuite

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import java.util.concurrent.TimeUnit

/**
 * Two training runs on one run folder: the second is refused while the first (a driver in its own JVM) is alive,
 * and once that driver is SIGKILLed its lock is stale and a resumed run takes it over.
 */
class RunLockSuite extends AnyFunSuite with LocalSpark {
  private lazy val dir: Path = TestCorpora.tempDir("run-lock-suite")
  private lazy val corpus: Path = TestCorpora.mobyDickPrefix(dir, 20000)
  private val quiet = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true)

  private val settings = Seq("model.layers" -> 1, "model.hiddenSize" -> 8, "model.embeddingSize" -> 4,
    "model.seqLength" -> 8, "train.batchSize" -> 2, "train.averagingFrequency" -> 1, "master.replicas" -> 1,
    "data.blockSize" -> 512, "data.validationFraction" -> 0.1, "eval.everyRounds" -> 100000, "eval.maxWindows" -> 8,
    "checkpoint.everyRounds" -> 1, "run.id" -> "shared")

  test("a second run on a folder in use exits with code 5 naming the holder; a SIGKILLed holder's lock is taken over") {
    val root = dir.resolve("runs")
    val run = root.resolve("shared")
    val args = Seq("train", "--master", "local[1]") ++
      (settings ++ Seq("data.corpus" -> corpus.toUri, "checkpoint.root" -> root.toUri, "train.rounds" -> 100000,
        "log.quiet" -> true)).flatMap { case (k, v) => Seq("--set", s"$k=$v") }
    val log = dir.resolve("first-run.log").toFile
    val first = ChildJvm.start("io.sparkrnn.cli.Main", "512m", Nil, args, log)
    try {
      val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120)
      while (!Files.exists(run.resolve("LATEST")) && first.isAlive && System.nanoTime() < deadline) Thread.sleep(200)
      assert(first.isAlive && Files.exists(run.resolve(RunLock.FILE_NAME)),
        "the first run should be training with its lock taken:\n" + new String(Files.readAllBytes(log.toPath), StandardCharsets.UTF_8))

      val config = RunConfigs(corpus, root, (settings :+ ("train.rounds" -> 100000)): _*)
      val conflict = intercept[RunError](new TrainingRun(sc, config, false, quiet).run())
      assert(conflict.exitCode == ExitCodes.RUN_CONFLICT)
      assert(conflict.getMessage.contains(s"is in use by another training run: host ") &&
        conflict.getMessage.contains(s"pid ${first.pid()}"), conflict.getMessage)
    } finally {
      first.destroyForcibly() // SIGKILL: no shutdown hook releases the lock
      first.waitFor(30, TimeUnit.SECONDS)
    }
    assert(Files.exists(run.resolve(RunLock.FILE_NAME)), "a killed driver leaves its lock behind")

    val latestRound = new String(Files.readAllBytes(run.resolve("LATEST")), StandardCharsets.UTF_8).trim.stripPrefix("ckpt-").toInt
    val config = RunConfigs(corpus, root, (settings :+ ("train.rounds" -> (latestRound + 2))): _*)
    val (summary, warnings) = LogCapture.warnings(new TrainingRun(sc, config, false, quiet).run())
    assert(warnings.exists(w => w.contains("Took over the stale lock") && w.contains(s"process ") && w.contains("is gone")),
      warnings.mkString("\n"))
    assert(summary.finalState().round() == latestRound + 2 && summary.rows().size() >= 2)
    assert(!Files.exists(run.resolve(RunLock.FILE_NAME)), "the resumed run releases the lock when it ends")
  }
}
