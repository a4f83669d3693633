package io.sparkrnn.dist

import io.sparkrnn.checkpoint.{CheckpointPolicy, CheckpointStore}
import io.sparkrnn.cli.Main
import io.sparkrnn.config.ExitCodes
import io.sparkrnn.testkit.TestCorpora
import org.apache.commons.io.FileUtils
import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.Path
import org.apache.hadoop.hdfs.MiniDFSCluster
import org.apache.hadoop.hdfs.protocol.HdfsConstants
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.charset.StandardCharsets
import java.nio.file.Files

/**
 * A checkpoint location that fills up during a run: a real HDFS (MiniDFSCluster) whose space quota on the run
 * folder leaves room for small files but not for the next checkpoint, so the NameNode refuses the write with
 * DSQuotaExceededException exactly as a full volume would.
 */
class FullCheckpointLocationSuite extends AnyFunSuite with BeforeAndAfterAll {
  private val BlockSize = 65536L
  private val base = Files.createTempDirectory("full-ckpt-minidfs").toFile
  private lazy val dir = TestCorpora.tempDir("full-ckpt")
  private lazy val corpus = TestCorpora.mobyDickPrefix(dir, 20000)
  private var cluster: MiniDFSCluster = _
  // Small blocks: HDFS reserves a whole block of quota per block being written, so with 64 KB blocks a quota a
  // little above the used space admits the lock and metrics files but not a checkpoint of several blocks.
  private val hdfsSettings = Seq("dfs.blocksize" -> BlockSize.toString, "dfs.replication" -> "1",
    "dfs.client.block.write.locateFollowingBlock.initial.delay.ms" -> "20")

  override def beforeAll(): Unit = {
    val conf = new Configuration()
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath)
    conf.set("dfs.namenode.fs-limits.min-block-size", "4096")
    hdfsSettings.foreach { case (k, v) => conf.set(k, v) }
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build()
    cluster.waitActive()
    hdfsSettings.foreach { case (k, v) => System.setProperty("spark.hadoop." + k, v) }
  }

  override def afterAll(): Unit = {
    hdfsSettings.foreach { case (k, _) => System.clearProperty("spark.hadoop." + k) }
    if (cluster != null) cluster.shutdown()
    FileUtils.deleteQuietly(base)
  }

  /** Runs `sparkrnn train` in this JVM; returns the exit code and standard error. */
  private def train(root: String, rounds: Int, runId: String = "full", checkpointEvery: Int = 1): (Int, String) = {
    val args = Seq("train", "--master", "local[2]") ++ Seq("data.corpus" -> corpus.toUri, "checkpoint.root" -> root,
      "run.id" -> runId, "model.layers" -> 1, "model.hiddenSize" -> 64, "model.embeddingSize" -> 8,
      "model.seqLength" -> 16, "train.batchSize" -> 4, "train.averagingFrequency" -> 2, "data.blockSize" -> 512,
      "data.validationFraction" -> 0.1, "eval.maxWindows" -> 16, "eval.everyRounds" -> 1, "train.rounds" -> rounds,
      "checkpoint.everyRounds" -> checkpointEvery, "sample.length" -> 0, "log.quiet" -> true).flatMap { case (k, v) => Seq("--set", s"$k=$v") }
    val err = new ByteArrayOutputStream()
    val original = System.err
    System.setErr(new PrintStream(err, true, "UTF-8"))
    try {
      val code = Main.run(args: _*)
      (code, err.toString("UTF-8"))
    } finally System.setErr(original)
  }

  test("a full checkpoint location stops the run with exit code 4 naming it, and the previous checkpoint stays usable") {
    val root = s"hdfs://127.0.0.1:${cluster.getNameNodePort}/runs"
    val (first, firstErr) = train(root, 1)
    assert(first == ExitCodes.OK, firstErr)

    val fs = cluster.getFileSystem
    val runDir = new Path("/runs/full")
    val used = fs.getContentSummary(runDir).getSpaceConsumed
    val modelBytes = fs.getFileStatus(new Path(runDir, "ckpt-00000001/model.zip")).getLen
    assert(modelBytes > 3 * BlockSize, s"the checkpoint ($modelBytes bytes) must need more than the quota's 2 spare blocks")
    fs.setQuota(runDir, HdfsConstants.QUOTA_DONT_SET, used + 2 * BlockSize)

    val (second, err) = train(root, 2)
    assert(second == ExitCodes.CHECKPOINT, err)
    assert(err.contains(s"cannot write checkpoint of round 2 to $root/full") && err.contains("DiskSpace quota"), err)

    val latest = new String(readAll(fs, new Path(runDir, "LATEST")), StandardCharsets.UTF_8).trim
    assert(latest == "ckpt-00000001")
    assert(!fs.exists(new Path(runDir, "ckpt-00000002")), "no partial checkpoint of round 2 is published")
    val store = CheckpointStore.open(root, "full", fs.getConf, CheckpointPolicy.defaults())
    val snapshot = SnapshotFiles.read(store.latest().get())
    assert(snapshot.round == 1 && snapshot.graph.numParams() > 0 && !snapshot.graph.params().isNaN.any())
  }

  test("a metrics journal that cannot be written stops the run with exit code 4 naming metrics.jsonl; checkpoints stay") {
    val root = s"hdfs://127.0.0.1:${cluster.getNameNodePort}/runs"
    val (first, firstErr) = train(root, 1, runId = "journal")
    assert(first == ExitCodes.OK, firstErr)

    val fs = cluster.getFileSystem
    val runDir = new Path("/runs/journal")
    val metrics = new Path(runDir, "metrics.jsonl/part-00000.jsonl")
    val rowsBefore = new String(readAll(fs, metrics), StandardCharsets.UTF_8)
    // One spare block: the lock file fits while it is written (HDFS reserves a block for a file under
    // construction) but then holds a few bytes of it, so the journal's next rewrite no longer fits.
    fs.setQuota(runDir, HdfsConstants.QUOTA_DONT_SET, fs.getContentSummary(runDir).getSpaceConsumed + BlockSize)

    // Round 2 of 3 writes no checkpoint (every 10 rounds, or the last), so its journal row is the first write.
    val (second, err) = train(root, 3, runId = "journal", checkpointEvery = 10)
    assert(second == ExitCodes.CHECKPOINT, err)
    assert(err.contains(s"cannot write $root/journal/metrics.jsonl") && err.contains("DiskSpace quota")
      && err.contains("run the same command again to resume"), err)
    assert(new String(readAll(fs, metrics), StandardCharsets.UTF_8) == rowsBefore, "the journal keeps its old rows whole")
    assert(new String(readAll(fs, new Path(runDir, "LATEST")), StandardCharsets.UTF_8).trim == "ckpt-00000001")
    assert(!fs.exists(new Path(runDir, "RUN.lock")), "the failed run releases its lock")
  }

  private def readAll(fs: org.apache.hadoop.fs.FileSystem, path: Path): Array[Byte] = {
    val in = fs.open(path)
    try org.apache.commons.io.IOUtils.toByteArray(in) finally in.close()
  }
}
