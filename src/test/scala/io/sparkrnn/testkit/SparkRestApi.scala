package io.sparkrnn.testkit

import com.fasterxml.jackson.databind.{JsonNode, ObjectMapper}
import org.apache.spark.api.java.JavaSparkContext

import java.net.URI
import java.net.http.{HttpClient, HttpRequest, HttpResponse}
import java.time.Duration
import scala.collection.JavaConverters._

/** The running application's Spark UI REST API (`/api/v1/applications/<id>/...`), read over real HTTP. */
final class SparkRestApi(sc: JavaSparkContext) {
  private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
  private val json = new ObjectMapper()

  val base: String = {
    val ui = sc.sc.uiWebUrl
    require(ui.isDefined, "the Spark UI is off: set spark.ui.enabled=true")
    s"${ui.get}/api/v1/applications/${sc.sc.applicationId}"
  }

  // The first request starts the UI's REST servlets: seconds on a busy machine, hence the generous timeout.
  def jobs(): Seq[JsonNode] = list("/jobs")

  /** Every attempt of every stage. */
  def stages(): Seq[JsonNode] = list("/stages")

  /** Each stage's named accumulators as name -> value (the REST API renders values as strings). */
  def accumulators(stage: JsonNode): Map[String, String] =
    stage.path("accumulatorUpdates").elements().asScala.map(a => a.path("name").asText() -> a.path("value").asText()).toMap

  private def list(path: String): Seq[JsonNode] = {
    val request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET().build()
    val response = http.send(request, HttpResponse.BodyHandlers.ofString())
    require(response.statusCode() == 200, s"GET $base$path: HTTP ${response.statusCode()} ${response.body()}")
    json.readTree(response.body()).elements().asScala.toSeq
  }
}
