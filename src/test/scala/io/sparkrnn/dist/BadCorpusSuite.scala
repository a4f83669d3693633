package io.sparkrnn.dist

import io.sparkrnn.checkpoint.LogCapture
import io.sparkrnn.data.Vocabulary
import io.sparkrnn.metrics.ConsoleProgress
import io.sparkrnn.testkit.{LocalSpark, RunConfigs, TestCorpora}
import org.scalatest.funsuite.AnyFunSuite

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import scala.collection.JavaConverters._

/** Corpora that are empty, too small or not clean text: a clear error, or <unk> counted, never a crash. */
class BadCorpusSuite extends AnyFunSuite with LocalSpark {
  private lazy val dir: Path = TestCorpora.tempDir("bad-corpus")

  private def corpusOf(name: String, bytes: Array[Byte]): Path = {
    val file = dir.resolve(name)
    Files.write(file, bytes)
    file
  }

  private def prepare(corpus: Path, overrides: (String, Any)*): PreparedCorpus =
    CorpusPipeline.prepare(sc, RunConfigs(corpus, dir.resolve("runs"), overrides: _*), 2, null)

  test("an empty corpus and one of blank lines are refused with the corpus named") {
    for ((name, content) <- Seq("empty.txt" -> "", "blank.txt" -> "\n\n   \n\t\n")) {
      val corpus = corpusOf(name, content.getBytes(StandardCharsets.UTF_8))
      val error = intercept[CorpusError](prepare(corpus))
      assert(error.getMessage.contains(corpus.toUri.toString) && error.getMessage.contains("has no text"), error.getMessage)
    }
  }

  test("a corpus too small for one window per replica says what to change") {
    val corpus = corpusOf("tiny.txt", ("Call me Ishmael. " * 6).getBytes(StandardCharsets.UTF_8))
    val error = intercept[CorpusError](prepare(corpus, "model.seqLength" -> 64))
    assert(error.getMessage.contains("fewer than one per replica (2 replicas)"), error.getMessage)
    assert(error.getMessage.contains("model.seqLength"), error.getMessage)
  }

  test("eval.maxWindows below the replica count evaluates on fewer tasks instead of stopping the run") {
    val corpus = TestCorpora.mobyDickPrefix(dir, 20000, "few-eval-windows.txt")
    val small = Seq("model.layers" -> 1, "model.hiddenSize" -> 8, "model.embeddingSize" -> 4, "model.seqLength" -> 16,
      "train.batchSize" -> 4, "data.blockSize" -> 512, "data.validationFraction" -> 0.1)
    val prepared = prepare(corpus, small :+ ("eval.maxWindows" -> 1): _*)
    try {
      assert(prepared.train().getNumPartitions == 2)
      assert(prepared.validation().getNumPartitions == 1 && prepared.validationWindows() == 1)
      assert(prepared.validation().map[Int](_.size()).collect().toArray.toSeq == Seq(1))
    } finally prepared.release()

    val config = RunConfigs(corpus, dir.resolve("runs"), small ++ Seq("run.id" -> "few-eval-windows",
      "master.replicas" -> 3, "eval.maxWindows" -> 2, "train.rounds" -> 1, "train.averagingFrequency" -> 1): _*)
    val quiet = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true)
    val row = new TrainingRun(sc, config, true, quiet).run().rows().get(0)
    assert(row.number("replicas") == 3.0)
    assert(row.number("valLoss") > 0 && java.lang.Double.isFinite(row.number("valLoss")), row.toJson)
  }

  test("invalid UTF-8, NUL bytes and CRLF line ends become <unk> or vanish, and are counted") {
    val line = "It was the best of times, it was the worst of times, it was the age of wisdom.\r\n"
    val clean = (line * 400).getBytes(StandardCharsets.UTF_8)
    // Three bytes that are not UTF-8 and two NUL bytes, in the middle of the text.
    val dirty = clean.take(5000) ++ Array[Byte](0xFF.toByte, 0x00, 0xFE.toByte, 0x00, 0xC3.toByte) ++ clean.drop(5000)
    val corpus = corpusOf("dirty.txt", dirty)
    val prepared = prepare(corpus, "model.seqLength" -> 32, "data.blockSize" -> 2048, "data.validationFraction" -> 0.2)
    try {
      val vocabulary = prepared.vocabulary()
      assert(vocabulary.id('\r') == Vocabulary.UNK && vocabulary.id(0xFFFD) == Vocabulary.UNK && vocabulary.id(0) == Vocabulary.UNK)
      assert(vocabulary.id('w') != Vocabulary.UNK && vocabulary.id('\n') != Vocabulary.UNK)
      // Hadoop's line reader drops the \r of CRLF; the five bad bytes are the only <unk>s.
      assert(prepared.unknownCharacters() == 5, s"unknown characters: ${prepared.unknownCharacters()}")
      assert(prepared.trainWindows() > 0 && prepared.validationWindows() > 0)
    } finally prepared.release()
  }

  test("UTF-16 files with a byte-order mark are decoded: the text, characters and vocabulary of their UTF-8 copy") {
    val text = new String(Files.readAllBytes(TestCorpora.mobyDickPrefix(dir, 30000, "utf8.txt")), StandardCharsets.UTF_8) +
      "caf\u00e9 \u4e2d\u6587 \ud83d\udc33\n"
    def read(corpus: Path): String = CorpusSource.pieces(sc, java.util.Collections.singletonList(corpus.toUri.toString), 2, 4096,
      CorpusQuality.register(sc)).collect().asScala.mkString
    def vocabularyOf(corpus: Path): (String, Long) = {
      val prepared = prepare(corpus, "model.seqLength" -> 32, "data.blockSize" -> 2048, "data.validationFraction" -> 0.5)
      try {
        (prepared.vocabulary().toJson, prepared.unknownCharacters())
      } finally prepared.release()
    }
    val utf8 = corpusOf("utf8-copy.txt", text.getBytes(StandardCharsets.UTF_8))
    assert(read(utf8) == text)
    val expected = vocabularyOf(utf8)
    assert(expected._2 == 0)
    for ((charset, bom) <- Seq("UTF-16LE" -> Array(0xFF, 0xFE), "UTF-16BE" -> Array(0xFE, 0xFF))) {
      val corpus = corpusOf(s"$charset.txt", bom.map(_.toByte) ++ text.getBytes(charset))
      assert(read(corpus) == text, s"$charset: the text read")
      assert(vocabularyOf(corpus) == expected, s"$charset: vocabulary and unknown characters")
    }
  }

  test("a binary file is read, with a warning that names it; a text file with a few bad bytes gets none") {
    val random = new scala.util.Random(7)
    val binary = corpusOf("picture.bin", Array.fill(40000)(random.nextInt(256).toByte))
    val text = TestCorpora.mobyDickPrefix(dir, 40000, "clean.txt")
    val (prepared, warnings) = LogCapture.warningsOf("io.sparkrnn.dist") {
      CorpusPipeline.prepare(sc, RunConfigs(text, dir.resolve("runs"), "model.seqLength" -> 32,
        "data.corpus" -> s"""["${text.toUri}", "${binary.toUri}"]"""), 2, null)
    }
    prepared.release()
    val named = warnings.filter(_.contains(binary.toUri.toString.stripPrefix("file://")))
    assert(named.size == 1, warnings.mkString("\n"))
    assert(named.head.startsWith("WARN corpus file ") && named.head.contains("binary") && named.head.contains("data.corpus"),
      named.head)
    assert(!warnings.exists(_.contains("clean.txt")), warnings.mkString("\n"))
  }
}
