package io.sparkrnn.ml

import io.sparkrnn.checkpoint.CheckpointRef
import io.sparkrnn.config.ExitCodes
import io.sparkrnn.dist.{ClassifySuite, SnapshotFiles}
import io.sparkrnn.testkit.{InProcessCli, TestCorpora}
import org.apache.spark.ml.{Pipeline, PipelineStage}
import org.apache.spark.sql.SparkSession
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import scala.collection.JavaConverters._

/**
 * The Estimator trains through the same master as `sparkrnn train`: a fit on the rows of a corpus file equals a
 * train run on that file, parameter for parameter and bit for bit; with a label column it trains a classifier, also
 * as a Pipeline stage saved and loaded.
 */
class EstimatorSuite extends AnyFunSuite {
  private lazy val dir: Path = TestCorpora.tempDir("estimator-suite")
  private lazy val corpus: Path = TestCorpora.mobyDickPrefix(dir, 20000)
  private lazy val root = dir.resolve("runs")
  private lazy val settings = Seq("model.layers=1", "model.hiddenSize=16", "model.embeddingSize=8",
    "model.seqLength=16", "data.blockSize=512", "data.validationFraction=0.1", "train.batchSize=8",
    "train.averagingFrequency=2", "train.rounds=3", "eval.everyRounds=3", "checkpoint.everyRounds=3",
    "master.replicas=2", "sample.length=0", "log.quiet=true", s"checkpoint.root=${root.toUri}")

  private def withSpark[T](body: SparkSession => T): T = {
    val spark = SparkSession.builder().master("local[2]").appName("EstimatorSuite")
      .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    try body(spark) finally spark.stop()
  }

  private def parameters(checkpoint: String): Array[Int] =
    SnapshotFiles.read(CheckpointRef.resolve(checkpoint, new org.apache.hadoop.conf.Configuration()))
      .graph().params().toFloatVector.map(java.lang.Float.floatToRawIntBits)

  test("fit on a corpus file's rows gives train's parameters on that file, bit for bit") {
    val (code, out, err) = InProcessCli.runCapturingErrors(Seq("train", "--master", "local[2]", "--fresh") ++
      (settings ++ Seq(s"data.corpus=${corpus.toUri}", "run.id=cli")).flatMap(s => Seq("--set", s)): _*)
    assert(code == ExitCodes.OK, s"$out\n$err")

    val model = withSpark { spark =>
      val rows = spark.read.text(corpus.toUri.toString).withColumnRenamed("value", "text")
      new SparkRnnEstimator().setSettings((settings :+ "run.id=fit"): _*).fit(rows)
    }
    assert(!model.isClassifier && model.checkpoint().endsWith("/fit/ckpt-00000003"), model.checkpoint())
    val written = Files.list(root.resolve("fit/fit-input")).iterator().asScala.filter(_.getFileName.toString.startsWith("part-"))
      .toSeq.sorted.map(f => new String(Files.readAllBytes(f), "UTF-8")).mkString
    assert(written == new String(Files.readAllBytes(corpus), "UTF-8"), "fit's corpus has the file's bytes")
    val cli = parameters(root.resolve("cli").toUri.toString)
    val fit = parameters(model.checkpoint())
    assert(cli.length == fit.length && cli.length > 1000)
    assert(cli.sameElements(fit), s"${cli.indices.count(i => cli(i) != fit(i))} of ${cli.length} parameters differ")
  }

  test("with a label column, a classifier; as a Pipeline stage saved and loaded; settings fit owns are refused") {
    withSpark { spark =>
      import spark.implicits._
      val rows = ClassifySuite.separableLines(300, 3).map(_.split("\t", 2)).map(p => (p(0), p(1))).toDF("kind", "words")
      val estimator = new SparkRnnEstimator().setInputCol("words").setLabelCol("kind").setSettings(settings ++ Seq(
        "run.id=fit-classifier", "model.cell=gru", "model.pooling=mean", "train.learningRate=0.01"): _*)
      val saved = dir.resolve("estimator-pipeline").toUri.toString
      new Pipeline().setStages(Array[PipelineStage](estimator)).write.save(saved)
      val fitted = Pipeline.load(saved).fit(rows)
      val model = fitted.stages(0).asInstanceOf[SparkRnnModel]
      assert(model.isClassifier && model.labels().asScala == Seq("animal", "color", "number"))
      assert(model.getInputCol == "words")
      val predictions = fitted.transform(rows).select("prediction").as[String].collect().toSet
      assert(predictions.nonEmpty && predictions.subsetOf(Set("animal", "color", "number")))

      val owned = intercept[IllegalArgumentException](
        new SparkRnnEstimator().setSettings("data.corpus=/tmp/x").fit(rows.withColumnRenamed("words", "text")))
      assert(owned.getMessage.contains("setting data.corpus is set by fit"), owned.getMessage)
      val noLabel = intercept[IllegalArgumentException](estimator.copy(org.apache.spark.ml.param.ParamMap.empty)
        .setLabelCol("label").fit(rows))
      assert(noLabel.getMessage.contains("column 'label' does not exist"), noLabel.getMessage)
    }
  }
}
