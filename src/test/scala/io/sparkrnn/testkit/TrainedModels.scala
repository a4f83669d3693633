package io.sparkrnn.testkit

import io.sparkrnn.dist.{ClassifySuite, TrainingRun}
import io.sparkrnn.metrics.ConsoleProgress
import org.apache.spark.api.java.JavaSparkContext

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.file.Path

/**
 * A tiny language model and a tiny classifier, trained once per test JVM (a few seconds each) on whatever Spark
 * context the first suite that needs them passes, for the suites that score with trained checkpoints.
 */
object TrainedModels {
  private lazy val dir: Path = TestCorpora.tempDir("trained-models")
  private var lm: Option[Trained] = None
  private var classifier: Option[Trained] = None

  /** A run: its folder (a valid checkpoint URI), the corpus it read and the settings it trained with. */
  final case class Trained(run: Path, corpus: Path, settings: Seq[(String, Any)])

  /** 1 x LSTM 16 on 30,000 characters of Moby-Dick, model.seqLength 16, 4 rounds on 2 replicas. */
  def languageModel(sc: JavaSparkContext): Trained = synchronized {
    lm.getOrElse {
      val corpus = TestCorpora.mobyDickPrefix(dir, 30000, "lm-corpus.txt")
      val trained = train(sc, corpus, "lm", Seq("model.layers" -> 1, "model.hiddenSize" -> 16,
        "model.embeddingSize" -> 8, "model.seqLength" -> 16, "data.blockSize" -> 512, "data.validationFraction" -> 0.1))
      lm = Some(trained)
      trained
    }
  }

  /** A bidirectional GRU classifier (mean pooling) on ClassifySuite's 3-label corpus, model.seqLength 24. */
  def classifier(sc: JavaSparkContext): Trained = synchronized {
    classifier.getOrElse {
      val corpus = ClassifySuite.write(dir.resolve("labeled.tsv"), ClassifySuite.separableLines(600, 11))
      val trained = train(sc, corpus, "classifier", Seq("task" -> "classify", "model.cell" -> "gru",
        "model.layers" -> 1, "model.hiddenSize" -> 16, "model.embeddingSize" -> 8, "model.seqLength" -> 24,
        "model.bidirectional" -> true, "model.pooling" -> "mean", "train.learningRate" -> 0.01,
        "data.validationFraction" -> 0.2))
      classifier = Some(trained)
      trained
    }
  }

  private def train(sc: JavaSparkContext, corpus: Path, runId: String, settings: Seq[(String, Any)]): Trained = {
    val all = settings ++ Seq("run.id" -> runId, "train.batchSize" -> 16, "train.averagingFrequency" -> 2,
      "train.rounds" -> 4, "eval.everyRounds" -> 4, "checkpoint.everyRounds" -> 4, "master.replicas" -> 2)
    val config = RunConfigs(corpus, dir.resolve("runs"), all: _*)
    val quiet = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true)
    val summary = new TrainingRun(sc, config, true, quiet).run()
    Trained(java.nio.file.Paths.get(java.net.URI.create(summary.runUri())), corpus, all)
  }
}
