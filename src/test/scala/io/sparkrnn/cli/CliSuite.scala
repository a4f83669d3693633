package io.sparkrnn.cli

import io.sparkrnn.config.ExitCodes
import io.sparkrnn.metrics.MetricsJournal
import org.apache.hadoop.conf.Configuration
import io.sparkrnn.testkit.{ChildJvm, InProcessCli, TestCorpora}
import org.scalatest.funsuite.AnyFunSuite

import java.io.File
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import java.util.concurrent.TimeUnit
import scala.collection.JavaConverters._

/** The sparkrnn command as users run it: real exit codes from a separate JVM, and train, evaluate, generate. */
class CliSuite extends AnyFunSuite {
  private lazy val dir: Path = TestCorpora.tempDir("cli-suite")
  private lazy val corpus: Path = TestCorpora.mobyDickPrefix(dir, 40000)

  /** Runs `sparkrnn args` in a fresh JVM and returns (exit code, stdout, stderr). */
  private def runJvm(args: String*): (Int, String, String) = runJvmWith(Seq.empty, args: _*)

  private def runJvmWith(jvmOptions: Seq[String], args: String*): (Int, String, String) = {
    val java = new File(System.getProperty("java.home"), "bin/java").getPath
    val command = (Seq(java, "-Xmx512m") ++ ChildJvm.opens ++ jvmOptions ++
      Seq("-cp", System.getProperty("java.class.path"), "io.sparkrnn.cli.Main") ++ args).asJava
    val out = dir.resolve(s"out-${System.nanoTime()}.txt").toFile
    val err = dir.resolve(s"err-${System.nanoTime()}.txt").toFile
    val process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start()
    assert(process.waitFor(300, TimeUnit.SECONDS), s"sparkrnn ${args.mkString(" ")} did not finish in 300 s")
    (process.exitValue(), new String(Files.readAllBytes(out.toPath), StandardCharsets.UTF_8),
      new String(Files.readAllBytes(err.toPath), StandardCharsets.UTF_8))
  }

  /** Runs `sparkrnn args` in this JVM, capturing its standard output. */
  private def runHere(args: String*): (Int, String) = InProcessCli.run(args: _*)

  test("configuration errors exit with code 2 before Spark starts and name the key") {
    val cases = Seq(
      Seq("--set", "model.hiddenSise=128") -> "unknown config key 'model.hiddenSise'",
      Seq("--set", "train.learningRate=-0.01") -> "train.learningRate must be a number > 0, got -0.01",
      Seq("--set", "model.seqLength=0") -> "model.seqLength must be an integer >= 2, got 0",
      Seq("--resume", "--fresh") -> "--resume cannot be combined with --fresh")
    for ((args, message) <- cases) {
      val (code, out, err) = runJvm(("train" +: args): _*)
      assert(code == ExitCodes.CONFIG, s"${args.mkString(" ")}: exit $code, stderr: $err")
      assert(err.contains(message), s"stderr should contain '$message': $err")
      assert(!out.contains("Spark "), "Spark must not start on a bad config")
    }
  }

  test("log.quiet = true prints warnings and the final summary only, under the launcher's log configuration and Spark's") {
    val sparkDefaults = dir.resolve("spark-log4j2-defaults.properties") // what spark-submit uses when none is given
    Files.copy(classOf[org.apache.spark.SparkContext].getResourceAsStream("/org/apache/spark/log4j2-defaults.properties"),
      sparkDefaults)
    val launchers = Seq("conf/log4j2.properties" -> new File(System.getProperty("project.basedir", "."),
      "conf/log4j2.properties").toPath, "Spark's log4j2-defaults.properties" -> sparkDefaults)
    for (((name, logConfig), i) <- launchers.zipWithIndex) {
      val (code, out, err) = runJvmWith(Seq("-Dlog4j2.configurationFile=" + logConfig.toUri), "train", "--master", "local[2]",
        "--set", s"data.corpus=${corpus.toUri}", "--set", s"checkpoint.root=${dir.resolve("runs-quiet").toUri}",
        "--set", s"run.id=quiet-$i", "--set", "model.layers=1", "--set", "model.hiddenSize=16", "--set", "model.seqLength=16",
        "--set", "data.blockSize=1024", "--set", "data.validationFraction=0.1", "--set", "train.rounds=2",
        "--set", "checkpoint.everyRounds=1", "--set", "eval.everyRounds=1", "--set", "sample.length=0",
        "--set", "log.quiet=true")
      withClue(s"$name:\nstdout:\n$out\nstderr:\n$err") {
        assert(code == ExitCodes.OK)
        // Written through this logging configuration were it not quiet: checkpoint saves, task slots, threads.
        assert(!(out + err).linesIterator.exists(l => l.contains(" INFO ") || l.contains(" DEBUG ")))
        assert(out.linesIterator.filter(_.nonEmpty).toSeq.map(_.takeWhile(_ != ':')) == Seq("done"))
      }
    }
  }

  test("a missing corpus exits with code 3 and names the path") {
    val missing = dir.resolve("no-such-corpus.txt").toUri.toString
    val (code, _, err) = runJvm("train", "--master", "local[1]", "--set", s"data.corpus=$missing",
      "--set", s"checkpoint.root=${dir.resolve("runs-missing").toUri}")
    assert(code == ExitCodes.CORPUS, err)
    assert(err.contains(s"corpus path $missing does not exist"), err)
  }

  test("train, then evaluate and generate from its checkpoint") {
    val root = dir.resolve("runs").toUri.toString
    val common = Seq("--set", s"data.corpus=${corpus.toUri}", "--set", s"checkpoint.root=$root", "--set", "run.id=cli",
      "--set", "model.layers=1", "--set", "model.hiddenSize=32", "--set", "model.seqLength=32",
      "--set", "data.blockSize=1024", "--set", "data.validationFraction=0.1", "--set", "train.rounds=4",
      "--set", "checkpoint.everyRounds=2", "--set", "eval.everyRounds=2", "--set", "sample.length=40")
    val (nothingToResume, _) = runHere((Seq("train", "--master", "local[2]", "--resume") ++ common): _*)
    assert(nothingToResume == ExitCodes.CHECKPOINT, "--resume must refuse a run folder without a checkpoint")
    assert(!Files.exists(dir.resolve("runs/cli/LATEST")), "a refused --resume writes no checkpoint")

    val (trained, out) = runHere((Seq("train", "--master", "local[2]", "--fresh") ++ common): _*)
    assert(trained == ExitCodes.OK, out)
    assert(out.contains("round 4/4"), out)
    assert(out.contains("bits per character"), out)
    assert(out.contains("sample:\nThe "), out)

    val run = dir.resolve("runs/cli")
    assert(new String(Files.readAllBytes(run.resolve("LATEST")), StandardCharsets.UTF_8).trim.endsWith("ckpt-00000004"))
    val checkpoint = run.resolve("ckpt-00000004")
    for (file <- Seq("model.zip", "vocab.json", "state.json", "outer.bin", "_COMPLETE"))
      assert(Files.isRegularFile(checkpoint.resolve(file)), s"$file missing in $checkpoint")
    assert(MetricsJournal.read(run.toUri.toString, new Configuration()).size() == 4)

    val (again, _) = runHere((Seq("train", "--master", "local[2]", "--fresh") ++ common): _*)
    assert(again == ExitCodes.RUN_CONFLICT, "--fresh must refuse an existing run")
    val (resumed, resumedOut) = runHere((Seq("train", "--master", "local[2]", "--resume") ++ common): _*)
    assert(resumed == ExitCodes.OK, resumedOut)
    assert(resumedOut.contains("nothing to train"), resumedOut)

    val (evaluated, evaluation) = runHere("evaluate", "--master", "local[2]", "--checkpoint", run.toUri.toString)
    assert(evaluated == ExitCodes.OK, evaluation)
    // The same held-out windows and parameters as the training run's last evaluation: the same figure.
    val trainedBpc = """validation ([0-9.]+) bits per character""".r.findFirstMatchIn(out).map(_.group(1).toDouble)
    val evaluatedBpc = """([0-9.]+) bits per character""".r.findFirstMatchIn(evaluation).map(_.group(1).toDouble)
    assert(trainedBpc.isDefined && evaluatedBpc.isDefined, s"$out\n$evaluation")
    assert(math.abs(trainedBpc.get - evaluatedBpc.get) < 1e-3, s"train said ${trainedBpc.get}, evaluate says ${evaluatedBpc.get}")
    assert(evaluatedBpc.get < math.log(70) / math.log(2), "better than a uniform guess")

    val (generated, text) = runHere("generate", "--checkpoint", checkpoint.toUri.toString, "--prompt", "Call me",
      "--length", "50", "--seed", "3")
    assert(generated == ExitCodes.OK)
    assert(text.startsWith("Call me") && text.stripLineEnd.codePointCount(0, text.stripLineEnd.length) == 57, text)
    val (_, same) = runHere("generate", "--checkpoint", checkpoint.toUri.toString, "--prompt", "Call me", "--length", "50", "--seed", "3")
    assert(same == text, "same seed, same sample")
  }
}
