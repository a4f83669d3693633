package io.sparkrnn.testkit

import org.apache.spark.SparkConf
import org.apache.spark.api.java.JavaSparkContext
import org.scalatest.{BeforeAndAfterAll, Suite}

/** A real Spark context in local mode with two task slots (the CI machine's cores), one per suite. */
trait LocalSpark extends BeforeAndAfterAll { self: Suite =>
  @transient protected var sc: JavaSparkContext = _

  protected def master: String = "local[2]"

  protected def sparkConf: SparkConf = new SparkConf()
    .setMaster(master)
    .setAppName(getClass.getSimpleName)
    .set("spark.ui.enabled", "false")
    .set("spark.ui.showConsoleProgress", "false")
    .set("spark.driver.host", "127.0.0.1")

  override def beforeAll(): Unit = {
    super.beforeAll()
    sc = new JavaSparkContext(sparkConf)
    sc.setLogLevel("WARN")
  }

  override def afterAll(): Unit = {
    try if (sc != null) sc.stop() finally super.afterAll()
  }
}
