package io.sparkrnn.testkit

import io.sparkrnn.config.{ConfigLoader, RunConfig}

import java.nio.file.Path
import scala.collection.JavaConverters._

/** Configurations for tests: the defaults plus the given overrides, on a test corpus and checkpoint root. */
object RunConfigs {
  def apply(corpus: Path, root: Path, overrides: (String, Any)*): RunConfig = {
    val base = Seq(
      "data.corpus" -> corpus.toUri.toString,
      "checkpoint.root" -> root.toUri.toString,
      "sample.length" -> 0,
      "log.quiet" -> true)
    val all = (base ++ overrides).map { case (k, v) => s"$k=$v" }
    ConfigLoader.load(null, all.asJava)
  }
}
