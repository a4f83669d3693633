package io.sparkrnn.ml

import io.sparkrnn.checkpoint.CheckpointRef
import io.sparkrnn.config.ConfigLoader
import io.sparkrnn.data.{HeldOutSplit, LabeledLine}
import io.sparkrnn.dist.{CorpusPipeline, RunSnapshot, SnapshotEvaluation, SnapshotFiles}
import io.sparkrnn.notebooks.{NoteCompiler, NoteRunner, ZeppelinNote}
import io.sparkrnn.testkit.{TestCorpora, TrainedModels}
import io.sparkrnn.train.BatchTensors
import org.apache.commons.io.FileUtils
import org.apache.spark.api.java.JavaSparkContext
import org.apache.spark.ml.feature.SQLTransformer
import org.apache.spark.ml.linalg.Vector
import org.apache.spark.ml.{Pipeline, PipelineModel, PipelineStage}
import org.apache.spark.sql.functions.{col, sum}
import org.apache.spark.sql.{DataFrame, Row, SparkSession}
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path, Paths}
import java.util.regex.Matcher
import scala.collection.JavaConverters._

/**
 * The Spark ML model on a real local[2] session, with a tiny language model and classifier trained for the suite:
 * transform against evaluate on the same held-out data, long lines, nulls and empty strings, bad inputs, Pipeline
 * persistence, and the SQL functions registered by the one Java call.
 */
class ScoringSuite extends AnyFunSuite with BeforeAndAfterAll {
  private lazy val spark: SparkSession = SparkSession.builder().master("local[2]").appName("ScoringSuite")
    .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    .config("spark.driver.host", "127.0.0.1").config("spark.sql.shuffle.partitions", "2").getOrCreate()
  private lazy val jsc = JavaSparkContext.fromSparkContext(spark.sparkContext)
  private lazy val lm = TrainedModels.languageModel(jsc)
  private lazy val classifier = TrainedModels.classifier(jsc)
  private lazy val dir: Path = TestCorpora.tempDir("scoring-suite")

  override def beforeAll(): Unit = {
    super.beforeAll()
    spark.sparkContext.setLogLevel("WARN")
  }

  override def afterAll(): Unit = try spark.stop() finally super.afterAll()

  private def uri(run: Path): String = run.toUri.toString
  private def snapshot(run: Path): RunSnapshot =
    SnapshotFiles.read(CheckpointRef.resolve(uri(run), spark.sparkContext.hadoopConfiguration))
  private def evaluate(run: Path) = {
    val snap = snapshot(run)
    SnapshotEvaluation.evaluate(jsc, ConfigLoader.loadText(snap.config.render(), "test", List[String]().asJava), snap)
  }

  private def texts(values: Seq[String]): DataFrame = {
    import spark.implicits._
    values.zipWithIndex.map { case (t, i) => (i, t) }.toDF("id", "text")
  }

  private def byId(frame: DataFrame): Map[Int, Row] = frame.collect().map(r => r.getAs[Int]("id") -> r).toMap

  test("the classifier's predictions through transform give exactly evaluate's accuracy on the held-out lines") {
    val snap = snapshot(classifier.run)
    val seqLength = 24
    val split = new HeldOutSplit(42L, 0.2)
    val heldOut = Files.readAllLines(classifier.corpus).asScala.filterNot(_.trim.isEmpty)
      .filter(line => split.isHeldOut(LabeledLine.parse(line, seqLength, "corpus").splitKey()))
    import spark.implicits._
    // The whole text of each line: transform cuts it to model.seqLength characters, as training did.
    val lines = heldOut.map(_.split("\t", 2)).map(p => (p(0), p(1))).toSeq.toDF("label", "text")
    val model = SparkRnnModel.fromCheckpoint(uri(classifier.run))
    assert(model.isClassifier && model.labels().asScala == Seq("animal", "color", "number"))
    val scored = model.transform(lines).collect()

    val validation = evaluate(classifier.run)
    assert(validation.confusion().total() == scored.length, "the same held-out lines")
    val correct = scored.count(r => r.getAs[String]("prediction") == r.getAs[String]("label"))
    assert(correct.toDouble / scored.length == validation.accuracy(), s"$correct of ${scored.length}")
    assert(validation.accuracy() > 0.5, "a trained classifier (chance is 1/3)")
    for (r <- scored) {
      val p = r.getAs[Vector]("probability").toArray
      val raw = r.getAs[Vector]("rawPrediction").toArray
      assert(math.abs(p.sum - 1) < 1e-5)
      assert(raw.indices.forall(i => raw(i) == math.log(p(i))))
      assert(r.getAs[String]("prediction") == snap.labels().name(p.indices.maxBy(p)))
    }
  }

  test("the language model's character-weighted mean bits per character equals evaluate's on the held-out windows") {
    val snap = snapshot(lm.run)
    val config = ConfigLoader.loadText(snap.config.render(), "test", List[String]().asJava)
    val corpus = CorpusPipeline.prepare(jsc, config, 2, snap.vocabulary)
    // Each held-out window (model.seqLength + 1 characters) as one line of text.
    val windows = try corpus.validation().collect().asScala.flatMap { shard =>
      (0 until shard.size).map(w => snap.vocabulary.decode((0 until shard.windowLength).map(shard.token(w, _)).toArray))
    } finally corpus.release()
    val validation = evaluate(lm.run).loss()
    val model = SparkRnnModel.fromCheckpoint(uri(lm.run))
    for (mode <- Seq("carry", "independent")) {
      val totals = model.setWindows(mode).transform(texts(windows.toSeq))
        .agg(sum("logLikelihood"), sum("charactersScored")).head()
      val characters = totals.getLong(1)
      val bpc = -totals.getDouble(0) / characters / math.log(2)
      assert(characters == validation.tokens(), mode)
      assert(math.abs(bpc - validation.bitsPerToken()) < 1e-4, s"$mode: transform $bpc, evaluate ${validation.bitsPerToken()}")
    }
  }

  test("a line longer than model.seqLength: carry is one pass over the whole line, independent is its windows alone") {
    val snap = snapshot(lm.run)
    val line = new String(Files.readAllBytes(lm.corpus), StandardCharsets.UTF_8).substring(5000, 5203)
    val ids = snap.vocabulary.encode(line)
    val probabilities = snap.graph.output(false, BatchTensors.ids(ids.init))(0)
    val direct = ids.indices.init.map(t => math.log(math.max(probabilities.getFloat(0L, ids(t + 1).toLong, t.toLong), 1e-10))).sum

    val model = SparkRnnModel.fromCheckpoint(uri(lm.run))
    val carried = model.setWindows("carry").transform(texts(Seq(line))).head()
    assert(carried.getAs[Long]("charactersScored") == line.length - 1)
    assert(math.abs(carried.getAs[Double]("logLikelihood") - direct) < 1e-5 * math.abs(direct), s"${carried} vs $direct")

    val seqLength = 16
    val windowTexts = (0 until line.length - 1 by seqLength).map(s => line.substring(s, math.min(s + seqLength + 1, line.length)))
    val windowSum = model.setWindows("carry").transform(texts(windowTexts)).agg(sum("logLikelihood")).head().getDouble(0)
    val independent = model.setWindows("independent").transform(texts(Seq(line))).head().getAs[Double]("logLikelihood")
    assert(math.abs(independent - windowSum) < 1e-5 * math.abs(windowSum))
    assert(independent < direct - 1, "the windows alone know less than the whole line")
  }

  test("null and empty texts give the documented results, never an exception") {
    val lmScored = byId(SparkRnnModel.fromCheckpoint(uri(lm.run)).transform(texts(Seq(null, "", "x", "xy"))))
    assert(lmScored(0).isNullAt(2) && lmScored(0).isNullAt(3) && lmScored(0).isNullAt(4), "null: every score is null")
    for (i <- Seq(1, 2)) {
      assert(lmScored(i).isNullAt(2), "no character to predict: bits per character is null")
      assert(lmScored(i).getAs[Long]("charactersScored") == 0 && lmScored(i).getAs[Double]("logLikelihood") == 0.0)
    }
    assert(lmScored(3).getAs[Long]("charactersScored") == 1 && lmScored(3).getAs[Double]("bitsPerCharacter") > 0)

    val classified = byId(SparkRnnModel.fromCheckpoint(uri(classifier.run)).transform(texts(Seq(null, "", " ", "red"))))
    for (i <- Seq(0, 1)) assert((2 to 4).forall(classified(i).isNullAt), s"row $i: nothing to read gives nulls")
    for (i <- Seq(2, 3)) assert(!classified(i).isNullAt(2), s"row $i is classified")
  }

  test("bad inputs: a missing column, a column that is not text, an output column that exists") {
    import spark.implicits._
    val model = SparkRnnModel.fromCheckpoint(uri(lm.run))
    val missing = intercept[IllegalArgumentException](model.setInputCol("body").transform(texts(Seq("a"))))
    assert(missing.getMessage.contains("column 'body' does not exist; the dataset has columns [id, text]"), missing.getMessage)
    val numbers = intercept[IllegalArgumentException](model.setInputCol("id").transform(texts(Seq("a"))))
    assert(numbers.getMessage.contains("column 'id' has type int, but spark-rnn reads text (string); cast it"), numbers.getMessage)
    val clash = intercept[IllegalArgumentException](model.setInputCol("text").transform(
      Seq(("a", 1.0)).toDF("text", "bitsPerCharacter")))
    assert(clash.getMessage.contains("output column 'bitsPerCharacter' already exists"), clash.getMessage)
    val notCheckpoint = intercept[java.io.IOException](SparkRnnModel.fromCheckpoint(dir.toUri.toString))
    assert(notCheckpoint.getMessage.contains("is neither a checkpoint folder nor a run folder"), notCheckpoint.getMessage)
  }

  test("a Pipeline holding the model, saved and loaded, gives identical output, also once the run folder is gone") {
    val run = dir.resolve("copied-run")
    FileUtils.copyDirectory(classifier.run.toFile, run.toFile)
    val model = SparkRnnModel.fromCheckpoint(uri(run)).setInputCol("body").setBatchSize(7).setPredictionCol("label")
    val lower = new SQLTransformer().setStatement("SELECT *, lower(text) AS body FROM __THIS__")
    val pipeline = new Pipeline().setStages(Array[PipelineStage](lower, model))
    val data = texts(Seq("RED blue", "one two three", null, "", "tiger", "green cat"))
    val fitted = pipeline.fit(data)
    val before = fitted.transform(data).orderBy("id").collect().toSeq

    val savedModel = dir.resolve("pipeline-model").toUri.toString
    val savedPipeline = dir.resolve("pipeline").toUri.toString
    fitted.write.save(savedModel)
    pipeline.write.save(savedPipeline)
    FileUtils.deleteDirectory(run.toFile)

    assert(PipelineModel.load(savedModel).transform(data).orderBy("id").collect().toSeq == before)
    val reloaded = Pipeline.load(savedPipeline).getStages(1).asInstanceOf[SparkRnnModel]
    assert(reloaded.getInputCol == "body" && reloaded.getBatchSize == 7 && reloaded.getPredictionCol == "label")
    assert(reloaded.getProbabilityCol == "probability", "defaults stay")
    assert(Pipeline.load(savedPipeline).fit(data).transform(data).orderBy("id").collect().toSeq == before)
    val stage = Files.list(dir.resolve("pipeline-model/stages")).iterator().asScala.find(_.toString.contains("sparkrnn")).get
    assert(Files.isRegularFile(stage.resolve("checkpoint/ckpt-00000001/promotion.json")), "a verified copy of the checkpoint")
    val saveAgain = intercept[java.io.IOException](fitted.write.save(savedModel))
    assert(saveAgain.getMessage.contains("already exists"), saveAgain.getMessage)
  }

  test("the SQL functions registered by one Java call return transform's values, with clear errors for misuse") {
    val lines = Seq("Call me Ishmael.", "The whale! The whale!", "a", "", null,
      new String(Files.readAllBytes(lm.corpus), StandardCharsets.UTF_8).substring(100, 190))
    texts(lines).createOrReplaceTempView("lines")
    val registered = SparkRnnFunctions.register(spark, uri(lm.run)).asScala
    assert(registered == Seq("sparkrnn_bpc", "sparkrnn_loglikelihood", "sparkrnn_characters", "sparkrnn_score"))
    val viaSql = byId(spark.sql("SELECT id, sparkrnn_bpc(text) AS bpc, sparkrnn_loglikelihood(text) AS ll, " +
      "sparkrnn_characters(text) AS n, sparkrnn_score(text) AS s FROM lines"))
    val viaTransform = byId(SparkRnnModel.fromCheckpoint(uri(lm.run)).transform(texts(lines)))
    for (id <- lines.indices) {
      val (s, t) = (viaSql(id), viaTransform(id))
      withClue(s"line $id: $s vs $t: ") {
        assert(s.isNullAt(1) == t.isNullAt(2) && s.isNullAt(3) == t.isNullAt(3))
        if (!s.isNullAt(3)) {
          assert(s.getLong(3) == t.getAs[Long]("charactersScored"))
          assert(close(s.getDouble(2), t.getAs[Double]("logLikelihood")))
          assert(s.getStruct(4).getLong(1) == s.getLong(3) && s.getStruct(4).getDouble(2) == s.getDouble(2))
        }
        if (!s.isNullAt(1)) assert(close(s.getDouble(1), t.getAs[Double]("bitsPerCharacter")))
      }
    }
    val wrongKind = intercept[IllegalArgumentException](spark.sql("SELECT sparkrnn_predict(text) FROM lines").collect())
    assert(wrongKind.getMessage.contains("sparkrnn_predict needs a classifier (task = classify), but checkpoint"), wrongKind.getMessage)
    assert(wrongKind.getMessage.contains("is a language model (task = lm); its functions are sparkrnn_bpc"), wrongKind.getMessage)
    val wrongType = intercept[IllegalArgumentException](spark.sql("SELECT sparkrnn_bpc(id) FROM lines"))
    assert(wrongType.getMessage.contains("sparkrnn_bpc reads text, but its argument lines.id is int; cast it"), wrongType.getMessage)
    val arity = intercept[IllegalArgumentException](spark.sql("SELECT sparkrnn_bpc(text, text) FROM lines"))
    assert(arity.getMessage.contains("sparkrnn_bpc takes one argument, the text; got 2"), arity.getMessage)

    assert(SparkRnnFunctions.register(spark, uri(classifier.run)).asScala == Seq("sparkrnn_predict", "sparkrnn_probability"))
    val labels = byId(spark.sql("SELECT id, sparkrnn_predict(text) AS label, sparkrnn_probability(text) AS p FROM lines"))
    val classified = byId(SparkRnnModel.fromCheckpoint(uri(classifier.run)).transform(texts(lines)))
    for (id <- lines.indices) {
      val (s, t) = (labels(id), classified(id))
      assert(Option(s.getString(1)) == Option(t.getAs[String]("prediction")), s"line $id")
      if (!s.isNullAt(2)) {
        val p = s.getJavaMap[String, Double](2).asScala
        assert(p.keys.toSeq == Seq("animal", "color", "number"))
        t.getAs[Vector]("probability").toArray.zip(p.values).foreach { case (a, b) => assert(close(a, b)) }
      }
    }
    val lmCall = intercept[IllegalArgumentException](spark.sql("SELECT sparkrnn_bpc(text) FROM lines"))
    assert(lmCall.getMessage.contains("sparkrnn_bpc needs a language model (task = lm), but checkpoint"), lmCall.getMessage)
    assert(lmCall.getMessage.contains("its functions are sparkrnn_predict, sparkrnn_probability"), lmCall.getMessage)
    val nulls = spark.sql("SELECT sparkrnn_predict(NULL), sparkrnn_predict(''), sparkrnn_probability('')").head()
    assert((0 to 2).forall(nulls.isNullAt))
  }

  /** One line alone (a SQL function's row) against the same line in a batch: float rounding differs, little. */
  private def close(a: Double, b: Double): Boolean = math.abs(a - b) <= 1e-5 * math.max(1.0, math.abs(b))

  test("Zeppelin note 6 scores the corpus, charts its per-document bits per character and queries sparkrnn_bpc") {
    val note = ZeppelinNote.all(Paths.get(System.getProperty("project.basedir", "."), "notebooks-zeppelin"))
      .find(_.name == "6-score-a-corpus").get
    // This suite's model and corpus instead of the note's HDFS paths; every other paragraph as it is.
    val paragraphs = note.scalaParagraphs.map { p =>
      if (p.title != "Settings") p
      else p.copy(code = p.code
        .replaceAll("val checkpoint = .*", Matcher.quoteReplacement(s"""val checkpoint = "${uri(lm.run)}""""))
        .replaceAll("val corpus = .*", Matcher.quoteReplacement(s"""val corpus = "${lm.corpus.toUri}"""")))
    }
    val shown = new NoteRunner(new NoteCompiler(NoteCompiler.testClasspath, runnable = true)).run(note, paragraphs, spark)
    val problems = NoteRunner.problems(note, shown)
    assert(problems.isEmpty, problems.mkString("\n"))
    val histogram = shown.frames.head.collect()
    val lines = Files.readAllLines(lm.corpus).asScala.count(_.length >= 2)
    assert(histogram.map(_.getAs[Long]("documents")).sum == lines, "every line with a character to predict is in a bin")
  }
}
