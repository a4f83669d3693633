package io.sparkrnn.testkit

import java.io.File
import java.nio.file.Files
import scala.collection.JavaConverters._

/** A fresh JVM on the test class path with the Java 17 flags of deploy/java17-opens.txt (one SparkContext per JVM). */
object ChildJvm {
  def opens: Seq[String] =
    Files.readAllLines(new File(System.getProperty("project.basedir", "."), "deploy/java17-opens.txt").toPath)
      .asScala.map(_.trim).filterNot(l => l.isEmpty || l.startsWith("#")).toSeq

  /** `java <heap> <opens> <jvmOptions> -cp <test class path> mainClass args`, output to `log` (stdout and stderr). */
  def start(mainClass: String, heap: String, jvmOptions: Seq[String], args: Seq[String], log: File): Process = {
    val java = new File(System.getProperty("java.home"), "bin/java").getPath
    val command = (Seq(java, s"-Xmx$heap") ++ opens ++ jvmOptions ++
      Seq("-cp", System.getProperty("java.class.path"), mainClass) ++ args).asJava
    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start()
  }
}
