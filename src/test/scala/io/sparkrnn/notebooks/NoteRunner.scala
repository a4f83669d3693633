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
}

/** Zeppelin's ZeppelinContext, keeping what `z.show` is given instead of rendering it into a paragraph. */
final class RecordingZeppelinContext extends ZeppelinContext(null, 1000) {
  val shown: mutable.Buffer[AnyRef] = mutable.Buffer()

  override def show(o: AnyRef): Unit = shown += o
  override def getInterpreterClassMap: java.util.Map[String, String] = java.util.Collections.emptyMap()
  override def getSupportedClasses: java.util.List[Class[_]] = java.util.Collections.emptyList()
  override def showData(o: AnyRef, maxResult: Int): String = String.valueOf(o)
}
