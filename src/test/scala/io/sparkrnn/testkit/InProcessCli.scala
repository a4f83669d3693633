package io.sparkrnn.testkit

import java.io.{ByteArrayOutputStream, PrintStream}

import io.sparkrnn.cli.Main

/** Runs the sparkrnn command in the test JVM and captures what it prints. */
object InProcessCli {
  /** (exit code, standard output) of `sparkrnn args`. */
  def run(args: String*): (Int, String) = {
    val (code, out, _) = runCapturingErrors(args: _*)
    (code, out)
  }

  /** (exit code, standard output, standard error) of `sparkrnn args`. */
  def runCapturingErrors(args: String*): (Int, String, String) = {
    val out = new ByteArrayOutputStream()
    val err = new ByteArrayOutputStream()
    val (originalOut, originalErr) = (System.out, System.err)
    System.setOut(new PrintStream(out, true, "UTF-8"))
    System.setErr(new PrintStream(err, true, "UTF-8"))
    try {
      val code = Main.run(args: _*)
      (code, out.toString("UTF-8"), err.toString("UTF-8"))
    } finally {
      System.setOut(originalOut)
      System.setErr(originalErr)
    }
  }
}
