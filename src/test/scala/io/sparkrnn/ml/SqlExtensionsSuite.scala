package io.sparkrnn.ml

import io.sparkrnn.testkit.TrainedModels
import org.apache.spark.api.java.JavaSparkContext
import org.apache.spark.ml.linalg.Vector
import org.apache.spark.sql.{Row, SparkSession}
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

/**
 * The SQL functions through Spark's own extension mechanism, as `--conf spark.sql.extensions=...` gives them to
 * spark-sql, PySpark, SparkR and Scala: a session built with that setting, the checkpoint named by a conf key (set
 * with SQL's SET), no spark-rnn call in the session.
 */
class SqlExtensionsSuite extends AnyFunSuite with BeforeAndAfterAll {
  private lazy val spark: SparkSession = SparkSession.builder().master("local[2]").appName("SqlExtensionsSuite")
    .config("spark.sql.extensions", "io.sparkrnn.ml.SparkRnnExtensions")
    .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    .config("spark.driver.host", "127.0.0.1").getOrCreate()
  private lazy val jsc = JavaSparkContext.fromSparkContext(spark.sparkContext)
  private lazy val lm = TrainedModels.languageModel(jsc).run.toUri.toString
  private lazy val classifier = TrainedModels.classifier(jsc).run.toUri.toString
  private val lines = Seq("Call me Ishmael.", "It is not down on any map", "x", "", null)

  override def beforeAll(): Unit = {
    super.beforeAll()
    spark.sparkContext.setLogLevel("WARN")
    import spark.implicits._
    lines.zipWithIndex.map { case (t, i) => (i, t) }.toDF("id", "text").createOrReplaceGlobalTempView("lines")
  }

  override def afterAll(): Unit = try spark.stop() finally super.afterAll()

  private def byId(rows: Array[Row]): Map[Int, Row] = rows.map(r => r.getInt(0) -> r).toMap

  test("without the checkpoint setting a function says which setting to make") {
    val e = intercept[IllegalArgumentException](spark.sql("SELECT sparkrnn_bpc(text) FROM global_temp.lines"))
    assert(e.getMessage.contains("the spark-rnn SQL functions need a checkpoint: set spark.sparkrnn.checkpoint"), e.getMessage)
  }

  test("a language model's functions equal transform's columns; classifier functions refuse it") {
    spark.sql(s"SET spark.sparkrnn.checkpoint=$lm")
    val viaSql = byId(spark.sql("SELECT id, sparkrnn_bpc(text), sparkrnn_characters(text), sparkrnn_loglikelihood(text) " +
      "FROM global_temp.lines").collect())
    val viaTransform = byId(SparkRnnModel.fromCheckpoint(lm).transform(spark.table("global_temp.lines")).collect())
    for (id <- lines.indices) {
      val (s, t) = (viaSql(id), viaTransform(id))
      withClue(s"line $id: $s vs $t") {
        for (c <- 1 to 3) assert(s.isNullAt(c) == t.isNullAt(c + 1))
        if (!s.isNullAt(2)) assert(s.getLong(2) == t.getLong(3))
        if (!s.isNullAt(3)) assert(math.abs(s.getDouble(3) - t.getDouble(4)) <= 1e-5 * math.max(1, math.abs(t.getDouble(4))))
      }
    }
    val e = intercept[IllegalArgumentException](spark.sql("SELECT sparkrnn_probability(text) FROM global_temp.lines"))
    assert(e.getMessage.contains("sparkrnn_probability needs a classifier (task = classify)"), e.getMessage)
  }

  test("a classifier's functions equal transform's columns, in every session of the application") {
    val session = spark.newSession()
    session.sql(s"SET spark.sparkrnn.checkpoint=$classifier")
    val viaSql = byId(session.sql("SELECT id, sparkrnn_predict(text), sparkrnn_probability(text)['color'] FROM global_temp.lines")
      .collect())
    val viaTransform = byId(SparkRnnModel.fromCheckpoint(classifier).transform(spark.table("global_temp.lines")).collect())
    for (id <- lines.indices) {
      val (s, t) = (viaSql(id), viaTransform(id))
      assert(Option(s.getString(1)) == Option(t.getAs[String]("prediction")), s"line $id")
      if (!s.isNullAt(2)) assert(math.abs(s.getDouble(2) - t.getAs[Vector]("probability")(1)) < 1e-5, s"line $id")
    }
    val e = intercept[IllegalArgumentException](session.sql("SELECT sparkrnn_bpc('a')"))
    assert(e.getMessage.contains("sparkrnn_bpc needs a language model (task = lm)"), e.getMessage)
  }
}
