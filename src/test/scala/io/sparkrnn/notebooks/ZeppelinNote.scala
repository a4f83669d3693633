package io.sparkrnn.notebooks

import com.fasterxml.jackson.databind.{JsonNode, ObjectMapper}

import java.nio.file.{Files, Path}
import scala.collection.JavaConverters._

/** One chart column of a paragraph's result settings: a key, group or value, by name and table position. */
final case class ChartColumn(name: String, index: Int)

/** A paragraph's chart: the graph mode and the columns it plots. */
final case class Chart(mode: String, keys: Seq[ChartColumn], groups: Seq[ChartColumn], values: Seq[ChartColumn]) {
  def columns: Seq[ChartColumn] = (keys ++ groups ++ values).sortBy(_.index)
}

/** A paragraph: the interpreter named on its first line (`%spark`), and the code after it. */
final case class Paragraph(id: String, title: String, interpreter: String, code: String, json: JsonNode) {
  def charts: Seq[Chart] = json.path("config").path("results").elements().asScala.toSeq.map(_.path("graph"))
    .filter(graph => graph.has("keys") || graph.has("values"))
    .map(graph => Chart(graph.path("mode").asText(), columns(graph, "keys"), columns(graph, "groups"), columns(graph, "values")))

  def label: String = if (title.nonEmpty) s"'$title'" else id

  private def columns(graph: JsonNode, field: String): Seq[ChartColumn] =
    graph.path(field).elements().asScala.toSeq.map(c => ChartColumn(c.path("name").asText(), c.path("index").asDouble().toInt))
}

/** A Zeppelin note (`.zpln`, the JSON format of Zeppelin 0.9 and later) read from a file. */
final case class ZeppelinNote(file: Path, json: JsonNode) {
  def id: String = json.path("id").asText()
  def name: String = json.path("name").asText()
  def paragraphs: Seq[Paragraph] = json.path("paragraphs").elements().asScala.toSeq.map { p =>
    val text = p.path("text").asText()
    val firstLine = text.linesIterator.toSeq.headOption.getOrElse("")
    val interpreter = if (firstLine.startsWith("%")) firstLine.drop(1).trim else ""
    val code = if (interpreter.nonEmpty) text.linesIterator.drop(1).mkString("\n") else text
    Paragraph(p.path("id").asText(), p.path("title").asText(), interpreter, code, p)
  }
  def scalaParagraphs: Seq[Paragraph] = paragraphs.filter(_.interpreter == "spark")
}

object ZeppelinNote {
  private val json = new ObjectMapper()

  def read(file: Path): ZeppelinNote = ZeppelinNote(file, json.readTree(Files.readAllBytes(file)))

  def all(folder: Path): Seq[ZeppelinNote] =
    Files.list(folder).iterator().asScala.filter(_.toString.endsWith(".zpln")).toSeq.sortBy(_.toString).map(read)
}
