package io.sparkrnn.deploy

import java.io.File
import java.nio.file.Files
import java.time.Duration
import java.util.zip.ZipFile

import scala.collection.JavaConverters._

import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite
import org.scalatest.matchers.should.Matchers

import io.sparkrnn.config.ExitCodes
import io.sparkrnn.testing.{StandaloneClusterFixture, SubmitRequest}
import io.sparkrnn.testkit.TestCorpora

/**
 * The shaded application jar (target/spark-rnn-<version>-shaded.jar, made by `mvn -Pdist package` before this test
 * runs in `mvn -Pdist verify`), as spark-submit users without the jars option run it: submitted alone to a standalone
 * Master and Worker that have only Spark's jars, it trains 2 replicas for 2 rounds.
 */
class ShadedJarSubmitIT extends AnyFunSuite with BeforeAndAfterAll with Matchers {
  private val version = System.getProperty("project.version")
  private val shaded = StandaloneClusterFixture.buildDir().resolve(s"spark-rnn-$version-shaded.jar").toFile
  private var cluster: StandaloneClusterFixture = _

  override def beforeAll(): Unit = {
    super.beforeAll()
    cluster = StandaloneClusterFixture.builder().workers(1).workerCores(2).workerMemory("2g").start()
  }

  override def afterAll(): Unit = try if (cluster != null) cluster.close() finally super.afterAll()

  private def entries(jar: File): Seq[String] = {
    val zip = new ZipFile(jar)
    try zip.stream().iterator().asScala.map(_.getName).toList finally zip.close()
  }

  test("the shaded jar has our classes and dependencies, no Spark, Hadoop or Scala, and no class Spark also has") {
    assert(shaded.isFile, s"$shaded is missing: run this test with mvn -B -Pdist verify")
    val classes = entries(shaded).filter(n => n.endsWith(".class") && !n.startsWith("META-INF/"))
    classes should contain("io/sparkrnn/cli/Main.class")
    classes should contain("org/nd4j/linalg/factory/Nd4j.class")
    classes should contain("org/deeplearning4j/nn/graph/ComputationGraph.class")
    classes.filter(c => c.startsWith("org/apache/spark/") || c.startsWith("org/apache/hadoop/") || c.startsWith("scala/")
      || c.startsWith("org/deeplearning4j/spark/")) shouldBe empty
    classes.exists(_.startsWith("io/sparkrnn/shaded/")) shouldBe true
    // Everything Spark's jars/ also has is relocated, so ND4J and DL4J get the versions they were built with.
    val spark = cluster.sparkHome().resolve("jars").toFile.listFiles().toSeq.filter(_.getName.endsWith(".jar"))
      .flatMap(entries).toSet
    spark should contain("org/apache/spark/SparkContext.class")
    withClue("add a relocation to the dist profile's maven-shade-plugin for: ") {
      classes.filter(spark).map(c => c.substring(0, c.lastIndexOf('/'))).distinct shouldBe empty
    }
    entries(shaded) should contain("META-INF/services/org.nd4j.linalg.factory.Nd4jBackend")
  }

  test("spark-submit of the shaded jar alone trains 2 replicas for 2 rounds on the standalone cluster") {
    val corpus = TestCorpora.mobyDickPrefix(cluster.workDir(), 30000)
    val runs = cluster.workDir().resolve("runs")
    val args = Seq("train", "--fresh", "--set", s"data.corpus=${corpus.toUri}", "--set", s"checkpoint.root=${runs.toUri}",
      "--set", "run.id=shaded", "--set", "model.layers=1", "--set", "model.hiddenSize=32", "--set", "model.embeddingSize=16",
      "--set", "model.seqLength=32", "--set", "train.batchSize=16", "--set", "train.averagingFrequency=4",
      "--set", "train.rounds=2", "--set", "data.blockSize=1024", "--set", "data.validationFraction=0.1",
      "--set", "eval.everyRounds=2", "--set", "eval.maxWindows=64", "--set", "master.replicas=2", "--set", "sample.length=20")
    val result = cluster.submit(SubmitRequest.of(shaded, "io.sparkrnn.cli.Main").args(args.asJava)
      .conf("spark.executor.memory", "768m")
      .conf("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxbytes=512m -XX:TieredStopAtLevel=1")
      .driverMemory("768m").timeout(Duration.ofMinutes(5)))
    val executorLogs = result.appId().asScala.toSeq.flatMap(id => cluster.executorLogs(id).asScala.values)
    withClue(result.output() + "\n" + executorLogs.mkString("\n")) {
      result.exitCode() shouldBe ExitCodes.OK
      result.output() should include("round 2/2")
      result.output() should include(", 2 replicas,")
      executorLogs.mkString should include regex "round 2 replica 1 on executor"
    }
    Files.exists(runs.resolve("shaded/ckpt-00000002/_COMPLETE")) shouldBe true
  }

  private implicit class OptionalOps[T](o: java.util.Optional[T]) {
    def asScala: Option[T] = if (o.isPresent) Some(o.get) else None
  }
}
