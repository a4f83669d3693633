package io.sparkrnn.testkit

import java.io.{ByteArrayOutputStream, PrintStream}

import io.sparkrnn.cli.Main

/** Runs the sparkrnn command in the test JVM and captures what it prints on standard output. */
object InProcessCli {
  /** (exit code, standard output) of `sparkrnn args`. */
  def run(args: String*): (Int, String) = {
    val captured = new ByteArrayOutputStream()
    val original = System.out
    System.setOut(new PrintStream(captured, true, "UTF-8"))
    try {
      val code = Main.run(args: _*)
      (code, captured.toString("UTF-8"))
    } finally System.setOut(original)
  }
}
