package io.sparkrnn.notebooks

import org.apache.spark.SparkContext
import org.apache.spark.sql.{DataFrame, SparkSession}
import org.apache.zeppelin.interpreter.ZeppelinContext

import scala.collection.mutable

/**
 * Runs notes for real on a SparkSession, as a Zeppelin Spark interpreter would: the `%spark` paragraphs in one
 * scope, in order, then the `%spark.sql` ones with `spark.sql`. `z` is Zeppelin's real ZeppelinContext class
 * with `show` recording what a paragraph would have displayed (a Zeppelin server is not on Maven Central).
 */
final class NoteRunner(compiler: NoteCompiler) {
  import NoteRunner.Shown

  def run(note: ZeppelinNote, paragraphs: Seq[Paragraph], spark: SparkSession): Shown = {
    val errors = compiler.compile(Seq(note.name -> paragraphs))
    require(errors.isEmpty, errors.mkString("\n"))
    val z = new RecordingZeppelinContext
    compiler.noteClass(0).getConstructor(classOf[SparkContext], classOf[SparkSession], classOf[ZeppelinContext])
      .newInstance(spark.sparkContext, spark, z)
    val sql = note.paragraphs.filter(_.interpreter == "spark.sql").map(p => spark.sql(p.code))
    Shown(z.shown.toSeq.map(_.asInstanceOf[DataFrame]), sql)
  }
}

object NoteRunner {
  /** What a run of a note displayed with z.show, in order, and the results of its SQL paragraphs. */
  final case class Shown(frames: Seq[DataFrame], sql: Seq[DataFrame])

  /**
   * What is wrong with a run's output, if anything: each z.show'n frame (in paragraph order) must have rows and
   * the columns its paragraph's charts plot at the chart's indices, and every SQL paragraph must return rows.
   */
  def problems(note: ZeppelinNote, shown: Shown): Seq[String] = {
    val showing = note.paragraphs.flatMap(p => Seq.fill("z\\.show\\(".r.findAllIn(p.code).size)(p))
    if (shown.frames.size != showing.size) return Seq(s"${note.name}: ${shown.frames.size} frames shown, ${showing.size} z.show calls")
    val frames = shown.frames.zip(showing).flatMap { case (frame, p) =>
      val empty = if (frame.collect().isEmpty) Seq(s"${note.name}, paragraph ${p.label} shows no rows") else Nil
      empty ++ (for (chart <- p.charts; column <- chart.columns if frame.columns(column.index) != column.name)
        yield s"${note.name}, paragraph ${p.label}: column ${column.index} is ${frame.columns(column.index)}, the chart wants ${column.name}")
    }
    frames ++ shown.sql.zipWithIndex.collect { case (result, i) if result.collect().isEmpty => s"${note.name}: SQL paragraph ${i + 1} returns no rows" }
  }
}

/** Zeppelin's ZeppelinContext, keeping what `z.show` is given instead of rendering it into a paragraph. */
final class RecordingZeppelinContext extends ZeppelinContext(null, 1000) {
  val shown: mutable.Buffer[AnyRef] = mutable.Buffer()

  override def show(o: AnyRef): Unit = shown += o
  override def getInterpreterClassMap: java.util.Map[String, String] = java.util.Collections.emptyMap()
  override def getSupportedClasses: java.util.List[Class[_]] = java.util.Collections.emptyList()
  override def showData(o: AnyRef, maxResult: Int): String = String.valueOf(o)
}
