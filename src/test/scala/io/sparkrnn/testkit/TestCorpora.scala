package io.sparkrnn.testkit

import io.sparkrnn.dist.CorpusSource

import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import scala.collection.JavaConverters._

/** Small corpora for tests, cut from the bundled Moby-Dick so they are real English text. */
object TestCorpora {
  /** The first lines of the bundled corpus, about `chars` characters, written to `dir/name`. */
  def mobyDickPrefix(dir: Path, chars: Int, name: String = "corpus.txt"): Path = {
    val lines = CorpusSource.bundledLines("moby-dick").asScala
    val text = new StringBuilder
    val it = lines.iterator
    while (text.length < chars && it.hasNext) text.append(it.next()).append('\n')
    val file = dir.resolve(name)
    Files.write(file, text.toString.getBytes(StandardCharsets.UTF_8))
    file
  }

  def tempDir(prefix: String): Path = Files.createTempDirectory(prefix)
}
