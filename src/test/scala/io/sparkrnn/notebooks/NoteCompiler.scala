package io.sparkrnn.notebooks

import scala.reflect.internal.util.{AbstractFileClassLoader, BatchSourceFile}
import scala.reflect.io.VirtualDirectory
import scala.tools.nsc.reporters.StoreReporter
import scala.tools.nsc.{Global, Settings}

object NoteCompiler {
  /** The test class path: Surefire's forked JVM may start from a manifest-only jar, so prefer its own record. */
  def testClasspath: String =
    Option(System.getProperty("surefire.test.class.path")).filter(_.nonEmpty).getOrElse(System.getProperty("java.class.path"))
}

/** A compile error in a note, placed in the paragraph it comes from. */
final case class NoteError(note: String, paragraph: String, line: Int, message: String) {
  override def toString: String = s"$note, paragraph $paragraph, line $line: $message"
}

/**
 * Compiles the `%spark` paragraphs of notes with the real Scala compiler against the test class path (the
 * current spark-rnn classes, Spark, DL4J), the way Zeppelin's Spark interpreter would run them.
 *
 * Zeppelin runs a note's paragraphs in one Scala REPL session, in order, with `sc` (SparkContext), `spark`
 * (SparkSession) and `z` (ZeppelinContext) bound, and imports `org.apache.spark.SparkContext._`,
 * `spark.implicits._`, `spark.sql` and `org.apache.spark.sql.functions._` first. Here each note becomes the body
 * of a class with those three names as constructor values and those imports on top, so that a paragraph sees
 * every definition of the paragraphs before it. `z` is typed as Zeppelin's real
 * `org.apache.zeppelin.interpreter.ZeppelinContext` (from zeppelin-interpreter 0.10.1, the newest on Maven
 * Central; `z` in a %spark paragraph is a subclass of it). Classes go to memory; constructing a note's class
 * runs its paragraphs. One difference from the REPL: a name cannot be defined twice in one note.
 *
 * @param runnable whether to generate byte code; without it the compiler stops after the type and override
 *                 checks, which find everything that can rot and save the seconds of code generation
 */
final class NoteCompiler(classpath: String, runnable: Boolean = false) {
  private val output = new VirtualDirectory("(memory)", None)
  private val settings = new Settings()
  settings.classpath.value = classpath
  settings.outputDirs.setSingleOutput(output)
  settings.feature.value = false
  if (!runnable) settings.stopAfter.value = List("refchecks")
  private val reporter = new StoreReporter(settings)
  private val global = new Global(settings, reporter)

  /** Compiles every note's Scala paragraphs; returns the errors (none when all of them compile). */
  def compile(notes: Seq[(String, Seq[Paragraph])]): Seq[NoteError] = {
    reporter.reset()
    val sources = notes.zipWithIndex.map { case ((name, paragraphs), i) => NoteSource(name, s"Note$i", paragraphs) }
    val run = new global.Run
    run.compileSources(sources.map(s => new BatchSourceFile(s.fileName, s.text)).toList)
    reporter.infos.toSeq.filter(_.severity == reporter.ERROR).map { info =>
      val source = sources.find(_.fileName == info.pos.source.file.name).get
      source.locate(if (info.pos.isDefined) info.pos.line else 0, info.msg)
    }
  }

  /**
   * The class of the i-th note of the last compile, whose constructor `(sc, spark, z)` runs the note's
   * paragraphs in order.
   */
  def noteClass(i: Int): Class[_] = {
    require(runnable, "compiled without byte code: use new NoteCompiler(classpath, runnable = true)")
    new AbstractFileClassLoader(output, getClass.getClassLoader).loadClass(s"zeppelin.notes.Note$i")
  }
}

/** A note as one compilable Scala file, and the way back from a line of it to a paragraph. */
private final case class NoteSource(noteName: String, className: String, paragraphs: Seq[Paragraph]) {
  val fileName: String = s"$className.scala"

  private val header = Seq(
    "package zeppelin.notes",
    s"class $className(@transient val sc: org.apache.spark.SparkContext,",
    "    @transient val spark: org.apache.spark.sql.SparkSession,",
    "    @transient val z: org.apache.zeppelin.interpreter.ZeppelinContext) {",
    "  import org.apache.spark.SparkContext._",
    "  import spark.implicits._",
    "  import spark.sql",
    "  import org.apache.spark.sql.functions._")

  /** First line (1-based) of each paragraph's code in the generated file. */
  private val starts: Seq[Int] = paragraphs.scanLeft(header.size + 1)((line, p) => line + p.code.linesIterator.size + 1).init

  val text: String = (header ++ paragraphs.flatMap(p => p.code.linesIterator.toSeq :+ "") :+ "}").mkString("\n")

  def locate(line: Int, message: String): NoteError = {
    val i = starts.lastIndexWhere(_ <= line)
    if (i < 0) NoteError(noteName, "(header)", line, message)
    else NoteError(noteName, paragraphs(i).label, line - starts(i) + 1, message)
  }
}
