package io.sparkrnn.cli

import io.sparkrnn.config.ExitCodes
import io.sparkrnn.dist.CorpusSource
import io.sparkrnn.testkit.{InProcessCli, TestCorpora, TrainedModels}
import org.apache.spark.api.java.JavaSparkContext
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.types.{ArrayType, DataTypes, StructField, StructType}
import org.apache.spark.SparkConf
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import scala.collection.JavaConverters._

/**
 * `sparkrnn score` as users run it (in this JVM, its own local[2] Spark): 100,000 lines to Parquet read back with
 * the documented schema, a classifier from Parquet to JSON and CSV, and every bad input with its exit code.
 */
class ScoreCommandSuite extends AnyFunSuite with BeforeAndAfterAll {
  private lazy val dir: Path = TestCorpora.tempDir("score-command")
  private var lm: String = _
  private var classifier: String = _

  override def beforeAll(): Unit = {
    super.beforeAll()
    // The models are trained on a context of their own, stopped before the command starts its own.
    val sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("ScoreCommandSuite")
      .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))
    try {
      lm = TrainedModels.languageModel(sc).run.toUri.toString
      classifier = TrainedModels.classifier(sc).run.toUri.toString
    } finally sc.stop()
  }

  private def score(args: String*): (Int, String, String) =
    InProcessCli.runCapturingErrors(("score" +: "--master" +: "local[2]" +: args): _*)

  private def withSpark[T](body: SparkSession => T): T = {
    val spark = SparkSession.builder().master("local[2]").appName("ScoreCommandSuite")
      .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate()
    try body(spark) finally spark.stop()
  }

  test("100,000 lines of text to Parquet, read back by spark.read.parquet with the documented schema") {
    val source = CorpusSource.bundledLines("moby-dick").asScala.map(_.take(40))
    val lines = Iterator.continually(source).flatten.take(100000).toSeq
    val input = Files.write(dir.resolve("lines.txt"), lines.mkString("", "\n", "\n").getBytes(StandardCharsets.UTF_8))
    val output = dir.resolve("scored.parquet").toUri.toString
    val (code, out, err) = score("--checkpoint", lm, "--input", input.toUri.toString, "--output", output)
    assert(code == ExitCodes.OK, s"$out\n$err")
    assert("""scored 100,000 lines in [0-9.]+ s: [0-9,]+ lines/s; wrote """.r.findFirstIn(out).isDefined, out)
    assert(out.contains("model: a language model (task = lm)"), out)

    withSpark { spark =>
      val scored = spark.read.parquet(output)
      assert(scored.schema == StructType(Seq(StructField("text", DataTypes.StringType),
        StructField("bitsPerCharacter", DataTypes.DoubleType), StructField("charactersScored", DataTypes.LongType),
        StructField("logLikelihood", DataTypes.DoubleType))), scored.schema.treeString)
      val totals = scored.selectExpr("count(*)", "sum(charactersScored)", "count(bitsPerCharacter)").head()
      assert(totals.getLong(0) == 100000)
      assert(totals.getLong(1) == lines.map(l => math.max(0, l.codePointCount(0, l.length) - 1)).sum)
      assert(totals.getLong(2) == lines.count(l => l.codePointCount(0, l.length) >= 2), "bits per character where a character is predicted")
    }

    val (again, _, refused) = score("--checkpoint", lm, "--input", input.toUri.toString, "--output", output)
    assert(again == ExitCodes.RUN_CONFLICT, refused)
    assert(refused.contains("already exists; pass --overwrite to replace it"), refused)
    val few = Files.write(dir.resolve("three.txt"), "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8)).toUri.toString
    val (replaced, replacedOut, replaceErr) = score("--checkpoint", lm, "--input", few, "--output", output, "--overwrite",
      "--windows", "independent", "--batch-size", "2")
    assert(replaced == ExitCodes.OK, replaceErr)
    assert(replacedOut.contains("scored 3 lines"), replacedOut)
  }

  test("a classifier from Parquet with --column, to JSON (probabilities as arrays) and CSV (a column per label)") {
    val input = dir.resolve("docs.parquet").toUri.toString
    withSpark { spark =>
      import spark.implicits._
      Seq((1, "red blue"), (2, "seven one"), (3, null), (4, "")).toDF("id", "body").write.parquet(input)
    }
    val json = dir.resolve("labels.json").toUri.toString
    val csv = dir.resolve("labels.csv").toUri.toString
    for ((output, format) <- Seq(json -> "json", csv -> "csv")) {
      val (code, out, err) = score("--checkpoint", classifier, "--input", input, "--input-format", "parquet",
        "--column", "body", "--output", output, "--output-format", format)
      assert(code == ExitCodes.OK, s"$format: $out\n$err")
    }
    withSpark { spark =>
      val fromJson = spark.read.json(json)
      assert(fromJson.schema("probability").dataType == ArrayType(DataTypes.DoubleType, true), fromJson.schema.treeString)
      val rows = fromJson.orderBy("id").collect()
      assert(rows.length == 4 && rows(0).getAs[Seq[Double]]("probability").size == 3)
      assert(rows.drop(2).forall(_.isNullAt(rows(0).fieldIndex("prediction"))), "null and empty text: no prediction")
      val fromCsv = spark.read.option("header", "true").csv(csv)
      assert(fromCsv.columns.toSeq == Seq("id", "body", "prediction", "probability_animal", "probability_color",
        "probability_number"))
      assert(fromCsv.count() == 4)
    }
  }

  test("bad input: unknown format, missing column, column not text, missing input, not a checkpoint") {
    val text = Files.write(dir.resolve("few.txt"), "a line\nanother\n".getBytes(StandardCharsets.UTF_8)).toUri.toString
    val parquet = dir.resolve("numbers.parquet").toUri.toString
    withSpark { spark =>
      import spark.implicits._
      Seq((1, 2)).toDF("id", "n").write.parquet(parquet)
    }
    def out(name: String) = dir.resolve(name).toUri.toString
    val cases = Seq(
      Seq("--checkpoint", lm, "--input", text, "--output", out("o1"), "--output-format", "xml") ->
        (ExitCodes.CONFIG, "--output-format must be one of parquet, json, csv, got 'xml'"),
      Seq("--checkpoint", lm, "--input", parquet, "--input-format", "parquet", "--output", out("o2")) ->
        (ExitCodes.CONFIG, "column 'text' does not exist; the dataset has columns [id, n]. Choose one with --column"),
      Seq("--checkpoint", lm, "--input", parquet, "--input-format", "parquet", "--column", "n", "--output", out("o3")) ->
        (ExitCodes.CONFIG, "column 'n' has type int, but spark-rnn reads text (string)"),
      Seq("--checkpoint", lm, "--input", out("missing.txt"), "--output", out("o4")) ->
        (ExitCodes.CORPUS, "missing.txt does not exist"),
      Seq("--checkpoint", dir.toUri.toString, "--input", text, "--output", out("o5")) ->
        (ExitCodes.CHECKPOINT, "is neither a checkpoint folder nor a run folder"))
    for ((args, (expected, message)) <- cases) {
      val (code, stdout, err) = score(args: _*)
      assert(code == expected, s"${args.mkString(" ")}: exit $code\n$stdout\n$err")
      assert(err.contains(message), s"${args.mkString(" ")}: $err")
    }
    for (o <- Seq("o1", "o2", "o3", "o4", "o5")) assert(!Files.exists(dir.resolve(o)), s"$o written on a refused run")
  }
}
