package io.sparkrnn.dist

import io.sparkrnn.metrics.ConsoleProgress
import io.sparkrnn.testkit.{LocalSpark, RunConfigs, TestCorpora}
import org.apache.spark.{SparkConf, SparkEnv}
import org.apache.spark.storage.{BlockId, BroadcastBlockId}
import org.scalatest.BeforeAndAfterEach
import org.scalatest.concurrent.Eventually
import org.scalatest.funsuite.AnyFunSuite
import org.scalatest.time.{Seconds, Span}

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import scala.collection.JavaConverters._

/**
 * A SparkContext that outlives its runs, as a Zeppelin interpreter's or the experiments' does: runs that fail
 * (a corpus check, a replica job) and then a good one, all in this suite's one context. What a run creates in
 * Spark must be gone after it, however it ended, as Spark's own state shows: the persisted RDDs, the RDD blocks
 * in the block manager and the storage status, the broadcast blocks of the rounds.
 */
class CleanupSuite extends AnyFunSuite with LocalSpark with BeforeAndAfterEach with Eventually {
  private lazy val dir: Path = TestCorpora.tempDir("cleanup-suite")
  private lazy val corpus: Path = TestCorpora.mobyDickPrefix(dir, 20000)
  private val quiet = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), true)

  private val tiny = Seq("model.layers" -> 1, "model.hiddenSize" -> 8, "model.embeddingSize" -> 4,
    "model.seqLength" -> 16, "train.batchSize" -> 4, "eval.maxWindows" -> 16, "data.blockSize" -> 512,
    "data.validationFraction" -> 0.1, "master.replicas" -> 2, "train.averagingFrequency" -> 2,
    "eval.everyRounds" -> 1, "checkpoint.everyRounds" -> 1000)

  /**
   * Spark's ContextCleaner would free unreachable RDDs and broadcasts at some garbage collection, hiding a leak for
   * as long as the JVM happens not to collect: off, only the run's own release can remove what it created.
   */
  override protected def sparkConf: SparkConf = super.sparkConf.set("spark.cleaner.referenceTracking", "false")

  override def afterEach(): Unit = {
    FaultInjection.install("")
    super.afterEach()
  }

  private def train(runId: String, settings: (String, Any)*): TrainingSummary =
    new TrainingRun(sc, RunConfigs(corpus, dir.resolve("runs"), (("run.id" -> runId) +: (tiny ++ settings)): _*),
      false, quiet).run()

  test("runs that fail leave no persisted RDD or round broadcast behind, and a good run then trains in the same context") {
    assertNothingLeft("before any run")

    val small = dir.resolve("small.txt")
    Files.write(small, ("Call me Ishmael. " * 6).getBytes(StandardCharsets.UTF_8))
    val tooSmall = intercept[CorpusError](new TrainingRun(sc, RunConfigs(small, dir.resolve("runs"),
      (("run.id" -> "too-small") +: tiny :+ ("model.seqLength" -> 64)): _*), false, quiet).run())
    assert(tooSmall.getMessage.contains("fewer than one per replica"), tooSmall.getMessage)
    assertNothingLeft("after a corpus too small for the replicas")

    FaultInjection.install("fail-task:2:1:0") // local[2] does not retry: round 2's replica job fails
    val failed = intercept[Exception](train("failing", "train.rounds" -> 3))
    assert(causes(failed).exists(_.contains("injected test fault: replica task of round 2, partition 1")),
      causes(failed).mkString("\n"))
    assertNothingLeft("after a replica job failed in round 2")

    FaultInjection.install("")
    val good = train("good", "train.rounds" -> 2)
    assert(good.rows().size() == 2 && good.rows().asScala.forall(_.number("replicas") == 2.0))
    assertNothingLeft("after a good run")
  }

  test("the executor-side network pool keeps at most maxIdle networks; the least recently used model's go first") {
    val limit = ReplicaPool.maxIdle()
    // Each run leaves its 2 replicas' networks; enough different models to overflow the pool.
    val sizes = (0 to limit / 2 + 1).map(8 + _)
    for (hidden <- sizes) {
      train(s"pool-$hidden", "train.rounds" -> 1, "model.hiddenSize" -> hidden)
      assert(ReplicaPool.idleNetworks() <= limit, s"${ReplicaPool.idleNetworks()} idle networks, limit $limit")
    }
    val kept = ReplicaPool.idleByModel().keySet().asScala.map(_.hiddenSize())
    assert(kept.contains(sizes.last), s"the last model's networks wait for its next round: $kept")
    assert(!kept.contains(sizes.head), s"the first model's networks are gone: $kept")
  }

  private def causes(t: Throwable): Seq[String] = Iterator.iterate(t)(_.getCause).takeWhile(_ != null).map(_.toString).toSeq

  /** Spark's own view: persisted RDDs, the RDD blocks it stores and reports, broadcast blocks of round state. */
  private def assertNothingLeft(when: String): Unit = {
    assert(sc.getPersistentRDDs.isEmpty, s"$when: persisted RDDs ${sc.getPersistentRDDs.asScala}")
    // unpersist and destroy do not block: the block manager removes the blocks a moment later.
    eventually(timeout(Span(30, Seconds))) {
      val blockManager = SparkEnv.get.blockManager
      val rddBlocks = blockManager.getMatchingBlockIds(_.isRDD)
      assert(rddBlocks.isEmpty, s"$when: RDD blocks $rddBlocks")
      assert(sc.sc.getRDDStorageInfo.isEmpty, s"$when: storage status ${sc.sc.getRDDStorageInfo.map(_.name).toSeq}")
      val roundState = blockManager.getMatchingBlockIds(isWholeBroadcast).filter(holdsRoundState)
      assert(roundState.isEmpty, s"$when: broadcasts of round or evaluation state $roundState")
    }
  }

  private def isWholeBroadcast(id: BlockId): Boolean = id match {
    case b: BroadcastBlockId => b.field.isEmpty
    case _ => false
  }

  /** A round's parameters and optimizer state (RoundInput), or an evaluation's parameters (float[]). */
  private def holdsRoundState(id: BlockId): Boolean = SparkEnv.get.blockManager.getLocalValues(id).exists { block =>
    val values = block.data.toList // read to the end, which releases the block's read lock
    values.exists(v => v.isInstanceOf[RoundInput] || v.isInstanceOf[Array[Float]])
  }
}
