package io.sparkrnn.dist

import io.sparkrnn.testkit.{ChildJvm, TestCorpora}
import org.scalatest.funsuite.AnyFunSuite

import java.io.{BufferedOutputStream, FileOutputStream}
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import java.util.concurrent.TimeUnit

/**
 * A 200 MB corpus that is one line without a newline, read in a JVM whose 256 MB heap cannot hold that line as
 * one byte array plus its String: our input format streams it in pieces; Spark's textFile (the control) runs
 * out of memory on the same file and heap.
 */
class LongLineSuite extends AnyFunSuite {
  private lazy val dir: Path = TestCorpora.tempDir("long-line")
  // 64 bytes, 60 characters: ASCII and 2-, 3- and 4-byte UTF-8, so piece cuts land inside multi-byte characters.
  private val unit = "Call me Ishmael, said the whale; café 中文 \uD83D\uDC33 and so on, "
  private val repeats = 200 * 1024 * 1024 / unit.getBytes(StandardCharsets.UTF_8).length

  private def generate(): Path = {
    val file = dir.resolve("one-line.txt")
    val chunk = unit.getBytes(StandardCharsets.UTF_8)
    val out = new BufferedOutputStream(new FileOutputStream(file.toFile), 1 << 20)
    try {
      for (_ <- 0 until repeats) out.write(chunk)
    } finally out.close()
    file
  }

  private def runChild(corpus: Path, mode: String): (Int, String) = {
    val log = dir.resolve(s"$mode.log").toFile
    val child = ChildJvm.start("io.sparkrnn.dist.LongLineChild", "256m", Nil, Seq(corpus.toUri.toString, "8192", mode), log)
    assert(child.waitFor(180, TimeUnit.SECONDS), s"$mode: no result in 180 s")
    (child.exitValue(), new String(Files.readAllBytes(log.toPath), StandardCharsets.UTF_8))
  }

  test("a single 200 MB line is streamed in pieces under a 256 MB heap; textFile runs out of memory on it") {
    val corpus = generate()
    assert(Files.size(corpus) > 200L * 1000 * 1000)

    val (code, out) = runChild(corpus, "pieces")
    assert(code == 0, out.takeRight(4000))
    val counts = "count (\\d+) (\\d+)".r.findAllMatchIn(out).map(m => m.group(1).toInt -> m.group(2).toLong).toMap
    val expected = unit.codePoints().toArray.groupBy(identity).map { case (cp, n) => cp -> n.length.toLong * repeats } +
      ('\n'.toInt -> 1L) // the line's end, restored as for any last line without one
    assert(counts == expected, s"counted ${counts.size} distinct characters: $counts")

    val (controlCode, controlOut) = runChild(corpus, "textFile")
    assert(controlCode != 0 && controlOut.contains("OutOfMemoryError"),
      s"the control should not fit in the heap: exit $controlCode\n${controlOut.takeRight(2000)}")
    Files.delete(corpus)
  }
}
