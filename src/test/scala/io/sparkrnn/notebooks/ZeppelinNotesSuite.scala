package io.sparkrnn.notebooks

import org.apache.spark.sql.catalyst.parser.CatalystSqlParser
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Path, Paths}

/**
 * The Zeppelin notes in notebooks-zeppelin/ are checked like code, so that they cannot silently rot: their
 * JSON is what Zeppelin 0.10+ imports, their charts plot columns their DataFrames have, their SQL parses and
 * their Scala compiles against the current API.
 */
class ZeppelinNotesSuite extends AnyFunSuite {
  private val folder: Path = Paths.get(System.getProperty("project.basedir", "."), "notebooks-zeppelin")
  private lazy val notes: Seq[ZeppelinNote] = {
    assert(folder.toFile.isDirectory, s"no $folder: run the tests from the project (project.basedir)")
    ZeppelinNote.all(folder)
  }

  private val interpreters = Map("spark" -> "scala", "spark.sql" -> "sql", "md" -> "markdown")
  private val chartModes = Set("table", "lineChart", "multiBarChart", "stackedAreaChart", "scatterChart", "pieChart")

  private lazy val compiler = new NoteCompiler(NoteCompiler.testClasspath)

  test("the folder holds the six notes: train a run, chart its metrics, checkpoints and two runs compared, the vanishing gradient, time to quality, score a corpus") {
    assert(notes.map(_.name) == Seq("1-train-a-short-run", "2-metrics-of-a-run", "3-checkpoints-samples-and-two-runs",
      "4-vanishing-gradient-per-step", "5-time-to-quality", "6-score-a-corpus"))
    val all = notes.map(_.paragraphs.map(_.code).mkString("\n"))
    assert(all(0).contains("new TrainingRun(") && all(0).contains("JavaSparkContext.fromSparkContext(sc)"))
    assert(all(1).contains("spark.read.json(") && all(1).contains("metrics.jsonl"))
    assert(all(2).contains("SnapshotFiles.read(") && all(2).contains("new TextSampler("))
    assert(all(3).contains("vanishing-steps.csv") && all(3).contains("\"rnn: dL/dh\""))
    assert(all(4).contains("spark.read.option(\"header\", \"true\")") && all(4).contains("convergence.csv"))
    assert(all(5).contains("SparkRnnModel.fromCheckpoint(") && all(5).contains("model.transform(documents)"))
    assert(all(5).contains("z.show(bpcHistogram)") && all(5).contains("sparkrnn_bpc(text)"))
  }

  test("every note has Zeppelin's note and paragraph structure, named as Zeppelin stores it") {
    for (note <- notes) {
      withClue(note.file.getFileName + ": ") {
        assert(note.id.matches("[A-Z0-9]{9}"), "Zeppelin note ids are 9 characters of [A-Z0-9]")
        // Zeppelin 0.9+ keeps a note in "<name>_<id>.zpln" and reads the id back from the file name.
        assert(note.file.getFileName.toString == s"${note.name}_${note.id}.zpln")
        assert(note.json.path("defaultInterpreterGroup").asText() == "spark")
        assert(note.paragraphs.size >= 3)
        assert(note.paragraphs.map(_.id).distinct.size == note.paragraphs.size, "paragraph ids must be unique")
        assert(note.paragraphs.head.interpreter == "md", "a note starts by saying what it does")
        for (p <- note.paragraphs) {
          withClue(s"paragraph ${p.label}: ") {
            assert(p.id.matches("paragraph_\\d{13}_-?\\d+"))
            assert(interpreters.contains(p.interpreter), s"interpreter %${p.interpreter}")
            assert(p.json.path("config").path("editorSetting").path("language").asText() == interpreters(p.interpreter))
            assert(p.json.path("config").path("enabled").asBoolean())
            assert(p.json.path("settings").has("forms") && p.json.path("status").asText() == "READY")
            assert(p.code.trim.nonEmpty)
          }
        }
      }
    }
  }

  test("every chart plots columns that its DataFrame selects, at the positions the chart settings give") {
    val charted = for (note <- notes; p <- note.paragraphs if p.charts.nonEmpty) yield (note, p)
    assert(charted.size >= 8, "loss, bits per character, gradient norm, clip rate, throughput ... are charted")
    for ((note, p) <- charted; chart <- p.charts) {
      withClue(s"${note.name}, paragraph ${p.label}: ") {
        assert(chartModes.contains(chart.mode))
        assert(chart.keys.nonEmpty && chart.values.nonEmpty)
        // A chart paragraph is just z.show(frame): its only output is the table the settings apply to.
        val shown = """^z\.show\((\w+)\)$""".r.findFirstMatchIn(p.code.trim).map(_.group(1))
        assert(shown.isDefined, s"expected a paragraph of only z.show(<frame>), got: ${p.code}")
        val definition = definitionOf(shown.get, note)
        // The columns must appear in the definition in the order of their indices (select lists them so).
        chart.columns.foldLeft(0) { (from, column) =>
          val at = definition.indexOf("\"" + column.name + "\"", from)
          assert(at >= 0, s"column '${column.name}' (index ${column.index}) is not selected, in this order, by: $definition")
          at + 1
        }
        assert(chart.columns.map(_.index) == chart.columns.indices, "indices are the positions 0, 1, 2, ...")
      }
    }
    val charts = charted.map(_._2.code).mkString
    for (frame <- Seq("lossCurve", "bpcCurve", "gradientNorms", "clipping", "throughput", "validationByRun",
        "stateGradients", "bpcByTokens", "bpcBySeconds")) {
      assert(charts.contains(s"z.show($frame)"), s"no chart of $frame")
    }
  }

  test("every %spark.sql paragraph parses with Spark's SQL parser") {
    val sql = for (note <- notes; p <- note.paragraphs if p.interpreter == "spark.sql") yield p
    assert(sql.nonEmpty)
    sql.foreach(p => CatalystSqlParser.parsePlan(p.code))
  }

  test("every %spark paragraph compiles against the current spark-rnn API, Spark and Zeppelin's z") {
    val errors = compiler.compile(notes.map(n => n.name -> n.scalaParagraphs))
    assert(errors.isEmpty, errors.mkString("the notes no longer compile:\n", "\n", ""))
  }

  test("the compile check fails on a paragraph that calls what the API does not have, and names the paragraph") {
    val note = notes.head
    val broken = note.scalaParagraphs.map { p =>
      if (p.code.contains("new TrainingRun(")) p.copy(code = p.code.replace(".run()", ".runEverything()")) else p
    }
    val errors = compiler.compile(Seq(note.name -> broken))
    assert(errors.size == 1, errors)
    assert(errors.head.paragraph == "'Train'" && errors.head.message.contains("runEverything"), errors.head)
    assert(broken.find(_.title == "Train").get.code.linesIterator.toSeq(errors.head.line - 1).contains(".runEverything()"))
  }

  /** The text of `val name = ...` in the note, up to the next definition. */
  private def definitionOf(name: String, note: ZeppelinNote): String = {
    val code = note.scalaParagraphs.map(_.code).mkString("\n")
    val start = code.indexOf(s"val $name = ")
    assert(start >= 0, s"${note.name} does not define $name")
    val next = Seq(code.indexOf("\nval ", start + 1), code.indexOf("\ndef ", start + 1), code.length).filter(_ >= 0).min
    code.substring(start, next)
  }
}
