package io.sparkrnn.deploy

import java.io.File
import java.nio.charset.StandardCharsets
import java.nio.file.attribute.PosixFilePermission
import java.nio.file.{Files, Path}
import java.util.concurrent.TimeUnit

import scala.collection.JavaConverters._

import org.apache.commons.io.FileUtils
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite
import org.scalatest.matchers.should.Matchers

import io.sparkrnn.config.ExitCodes
import io.sparkrnn.testing.StandaloneClusterFixture
import io.sparkrnn.testkit.TestCorpora

/**
 * The binary distribution as a user gets it: target/spark-rnn-<version>-bin.tar.gz, made by `mvn -Pdist package`
 * just before this test runs (`mvn -Pdist verify`), unpacked into an empty folder and run from there with a HOME
 * that has no Maven repository and a `mvn` on the PATH that records any call: bin/sparkrnn trains 2 rounds in
 * Spark local mode from the distribution's own jars, and deploy/cron/nightly-retrain.sh runs the nightly pipeline.
 */
class DistributionIT extends AnyFunSuite with BeforeAndAfterAll with Matchers {
  private val version = System.getProperty("project.version")
  private val tarball = StandaloneClusterFixture.buildDir().resolve(s"spark-rnn-$version-bin.tar.gz")
  private lazy val work = Files.createTempDirectory(Files.createDirectories(
    StandaloneClusterFixture.buildDir().resolve("dist-it")), "run-")
  private lazy val home: Path = unpack()
  private lazy val userHome = Files.createDirectories(work.resolve("empty-home"))
  /** A `mvn` first on the PATH that leaves a mark and fails: the distribution must never build anything. */
  private lazy val mavenTrap: Path = {
    val bin = Files.createDirectories(work.resolve("trap-bin"))
    val mvn = Files.writeString(bin.resolve("mvn"), s"#!/bin/sh\ntouch '${work.resolve("mvn-was-called")}'\nexit 97\n")
    Files.setPosixFilePermissions(mvn, Set(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE).asJava)
    bin
  }
  private lazy val corpus = TestCorpora.mobyDickPrefix(work, 30000)
  private val small = Seq("model.layers=1", "model.hiddenSize=32", "model.embeddingSize=16", "model.seqLength=32",
    "train.batchSize=16", "train.averagingFrequency=4", "master.replicas=2", "data.blockSize=1024",
    "data.validationFraction=0.1", "eval.maxWindows=64", "sample.length=20")

  /** The unpacked copy is 360 MB; the logs stay. */
  override def afterAll(): Unit = try FileUtils.deleteQuietly(work.resolve("install").toFile) finally super.afterAll()

  private def unpack(): Path = {
    assert(Files.isRegularFile(tarball), s"$tarball is missing: run this test with mvn -B -Pdist verify")
    val target = Files.createDirectories(work.resolve("install"))
    assert(target.toFile.list().isEmpty)
    run(Seq("tar", "-xzf", tarball.toString, "-C", target.toString), Map.empty, work.resolve("tar.log"))._1 shouldBe 0
    target.resolve(s"spark-rnn-$version")
  }

  /** (exit code, output) of a command run with the test's HOME and PATH. */
  private def run(command: Seq[String], env: Map[String, String], log: Path): (Int, String) = {
    val pb = new ProcessBuilder(command.asJava).directory(work.toFile).redirectErrorStream(true).redirectOutput(log.toFile)
    pb.environment().put("HOME", userHome.toString)
    pb.environment().put("PATH", s"$mavenTrap${File.pathSeparator}${System.getenv("PATH")}")
    pb.environment().put("OMP_NUM_THREADS", "1")
    pb.environment().put("SPARKRNN_JAVA_OPTS", "-Dspark.ui.enabled=false") // no UI port to find on a shared machine
    env.foreach { case (k, v) => pb.environment().put(k, v) }
    val process = pb.start()
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.descendants().forEach(_.destroyForcibly())
      process.destroyForcibly()
      fail(s"${command.mkString(" ")} did not finish in 5 minutes:\n" + Files.readString(log))
    }
    (process.exitValue(), new String(Files.readAllBytes(log), StandardCharsets.UTF_8))
  }

  private def names(folder: String): Seq[String] = home.resolve(folder).toFile.list().toSeq.sorted

  test("the tarball holds the launcher, the jar, lib/ without Spark or DL4J's Spark module, lib/spark, conf and deploy") {
    Files.isExecutable(home.resolve("bin/sparkrnn")) shouldBe true
    Files.isRegularFile(home.resolve("spark-rnn.jar")) shouldBe true
    for (f <- Seq("README.md", "conf/local.conf", "conf/cluster.conf", "conf/log4j2.properties",
      "deploy/spark-submit.sh", "deploy/cron/nightly-retrain.sh", "deploy/airflow/spark_rnn_nightly.py",
      "deploy/java17-opens.txt", "deploy/local/common.sh", "notebooks-zeppelin/README.md"))
      withClue(f) { Files.exists(home.resolve(f)) shouldBe true }
    Files.isExecutable(home.resolve("deploy/spark-submit.sh")) shouldBe true

    val lib = names("lib").filter(_.endsWith(".jar"))
    lib should contain allOf ("nd4j-native-1.0.0-M2.1-linux-x86_64.jar", "deeplearning4j-nn-1.0.0-M2.1.jar")
    // What spark-submit ships: no Spark, Hadoop or Scala, and none of DL4J's Spark module and what it drags in.
    lib.filter(n => Seq("spark-", "hadoop-", "scala-", "dl4j-spark", "deeplearning4j-ui", "deeplearning4j-core",
      "deeplearning4j-datasets", "freemarker", "datavec-spark", "nd4j-parameter-server").exists(n.startsWith)) shouldBe empty
    lib.toSet shouldBe new String(Files.readAllBytes(StandaloneClusterFixture.buildDir().resolve("app-classpath.txt")),
      StandardCharsets.UTF_8).trim.split(":").map(p => new File(p).getName).toSet
    names("lib/spark").filter(_.startsWith("spark-core_")) should have size 1
    names("lib/spark").filter(_.startsWith("scala-library-")) should have size 1
  }

  test("bin/sparkrnn trains 2 rounds from the unpacked folder with only Java: no Maven, no ~/.m2") {
    val runs = work.resolve("runs")
    val (code, out) = run(Seq(home.resolve("bin/sparkrnn").toString, "train", "--conf", home.resolve("conf/local.conf").toString,
      "--master", "local[2]") ++ small.flatMap(s => Seq("--set", s)) ++ Seq("--set", s"data.corpus=${corpus.toUri}",
      "--set", s"checkpoint.root=${runs.toUri}", "--set", "run.id=from-tarball", "--set", "train.rounds=2",
      "--set", "eval.everyRounds=2", "--set", "checkpoint.everyRounds=1"), Map.empty, work.resolve("train.log"))
    withClue(out) {
      code shouldBe ExitCodes.OK
      out should include("round 2/2")
      out should include("done: validation")
      out should not include "building spark-rnn"
    }
    Files.exists(runs.resolve("from-tarball/ckpt-00000002/_COMPLETE")) shouldBe true
    Files.exists(work.resolve("mvn-was-called")) shouldBe false
    Files.exists(userHome.resolve(".m2")) shouldBe false
    Files.exists(home.resolve("target")) shouldBe false
  }

  test("deploy/cron/nightly-retrain.sh of the distribution runs the nightly pipeline: the first model is promoted") {
    val root = work.resolve("nightly-runs")
    val (code, out) = run(Seq(home.resolve("deploy/cron/nightly-retrain.sh").toString), Map(
      "SPARKRNN_ROOT" -> root.toUri.toString, "SPARKRNN_CORPUS" -> corpus.toUri.toString,
      "SPARKRNN_RUN_ID" -> "nightly-20250102",
      "SPARKRNN_SET" -> (small ++ Seq("train.rounds=1", "eval.everyRounds=1", "checkpoint.everyRounds=1",
        "log.quiet=true")).mkString(" ")), work.resolve("nightly.log"))
    withClue(out) {
      code shouldBe ExitCodes.OK
      out should include("nightly: no production model in")
      out should include("promoted")
      out should include("nightly-retrain: exit code 0")
    }
    new String(Files.readAllBytes(root.resolve("production/LATEST")), StandardCharsets.UTF_8).trim shouldBe "ckpt-00000001"
    Files.exists(work.resolve("mvn-was-called")) shouldBe false
  }
}
