package io.sparkrnn.cli

import com.fasterxml.jackson.databind.ObjectMapper
import io.sparkrnn.checkpoint.{CheckpointPolicy, CheckpointStore, RunLock}
import io.sparkrnn.config.ExitCodes
import io.sparkrnn.testkit.{InProcessCli, MiniHdfs, TestCorpora}
import org.apache.hadoop.fs.Path
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

import java.time.Duration

/**
 * `sparkrnn nightly`, the one retraining pipeline behind deploy/cron and the Airflow DAG, run for real: Spark
 * local mode in this JVM, checkpoints and the production folder on a MiniDFSCluster. The tests run in order and
 * share the production folder, as successive nights do: the first model, an interrupted warm start resumed, a
 * failed gate, an unreachable NameNode, another nightly run holding the lock.
 */
class NightlyPipelineSuite extends AnyFunSuite with BeforeAndAfterAll {
  private lazy val hdfs = new MiniHdfs
  private lazy val corpus = TestCorpora.mobyDickPrefix(TestCorpora.tempDir("nightly-suite"), 30000)
  private lazy val root = s"${hdfs.uri}/runs"
  private lazy val production = s"$root/production"
  private val Json = new ObjectMapper()
  private val model = Seq("model.layers=1", "model.hiddenSize=32", "model.embeddingSize=16", "model.seqLength=32",
    "train.batchSize=16", "train.learningRate=0.01", "train.averagingFrequency=8", "master.replicas=2",
    "data.blockSize=1024", "data.validationFraction=0.1", "eval.maxWindows=64", "eval.everyRounds=1",
    "checkpoint.everyRounds=1", "sample.length=0", "log.quiet=true")

  override def afterAll(): Unit = try hdfs.stop() finally super.afterAll()

  private def sets(settings: Seq[String]): Seq[String] = settings.flatMap(s => Seq("--set", s))

  private def nightly(runId: String, extra: String*): (Int, String, String) =
    InProcessCli.runCapturingErrors((Seq("nightly", "--master", "local[2]", "--run-id", runId, "--max-regression", "0.02")
      ++ sets(model ++ Seq(s"data.corpus=${corpus.toUri}", s"checkpoint.root=$root")) ++ extra): _*)

  private def latest(folder: String): String = hdfs.readString(s"$folder/LATEST").trim

  private def json(path: String) = Json.readTree(hdfs.readString(path))

  /** Production's LATEST and its model.zip, to show that a failed night left it alone. */
  private def productionNow: (String, Long) = {
    val name = latest(production)
    (name, hdfs.fileSystem.getFileStatus(new Path(s"$production/$name/model.zip")).getModificationTime)
  }

  test("the first night: no production model, a model trained from scratch is promoted without a gate") {
    val (code, out, err) = nightly("nightly-1", "--set", "train.rounds=2")
    assert(code == ExitCodes.OK, out + err)
    assert(out.contains("no production model in") && out.contains("from scratch"), out)
    assert(!out.contains("regression"), "no gate without a baseline")
    assert(latest(production) == "ckpt-00000001")
    assert(json(s"$production/ckpt-00000001/promotion.json").get("source").asText() == s"$root/nightly-1/ckpt-00000002")
    assert(json(s"$root/nightly-1/ckpt-00000002/state.json").get("initFrom").isNull)
  }

  test("an interrupted warm start is resumed by the next attempt, gated against production and promoted") {
    // The first attempt died after round 1 (its checkpoint is there); the retry runs the same nightly command.
    val (started, startedOut) = InProcessCli.run((Seq("train", "--master", "local[2]", "--init-from", production)
      ++ sets(model ++ Seq(s"data.corpus=${corpus.toUri}", s"checkpoint.root=$root", "run.id=nightly-2",
        "train.rounds=1"))): _*)
    assert(started == ExitCodes.OK, startedOut)

    val (code, out, err) = nightly("nightly-2", "--set", "train.rounds=3")
    assert(code == ExitCodes.OK, out + err)
    assert(out.contains(s"resuming tonight's run $root/nightly-2 from $root/nightly-2/ckpt-00000001"), out)
    assert(out.contains(s"baseline $production/ckpt-00000001") && out.contains(": PASS"), out)
    assert(latest(production) == "ckpt-00000002")
    assert(json(s"$production/ckpt-00000002/promotion.json").get("source").asText() == s"$root/nightly-2/ckpt-00000003")
    val state = json(s"$root/nightly-2/ckpt-00000003/state.json")
    // Production's copy of nightly-1's round 2 is where it started.
    assert(state.get("initFrom").get("uri").asText() == production && state.get("initFrom").get("round").asInt() == 2)
    assert(state.get("initFrom").get("checkpoint").asText() == s"$production/ckpt-00000001")

    // The scheduler retries a night whose promotion went through: nothing is trained or promoted again.
    val (again, againOut, againErr) = nightly("nightly-2", "--set", "train.rounds=3")
    assert(again == ExitCodes.OK && againOut.contains("is production's latest model already"), againOut + againErr)
    assert(latest(production) == "ckpt-00000002")
  }

  test("a night whose model fails the gate exits 10 and leaves production as it was") {
    val before = productionNow
    // A learning rate a hundred times too high: tonight's warm-started model ends worse than production's.
    val (code, out, err) = nightly("nightly-3", "--set", "train.rounds=2", "--set", "train.learningRate=1.0")
    assert(code == ExitCodes.REGRESSION, out + err)
    assert(out.contains("warm start from production") && out.contains(": FAIL"), out)
    assert(out.contains("gate failed") && out.contains("production unchanged"), out)
    assert(productionNow == before)
    assert(hdfs.exists(s"$root/nightly-3/ckpt-00000002"), "tonight's run stays for inspection")
  }

  test("an unreachable NameNode fails the night with exit code 4 before training, and production stays") {
    val before = productionNow
    hdfs.stopNameNode()
    val (code, out, err) = try {
      // Fewer connection attempts (where the client is not cached from the earlier tests already).
      System.setProperty("spark.hadoop.ipc.client.connect.max.retries", "0")
      nightly("nightly-4", "--set", "train.rounds=1")
    } finally {
      System.clearProperty("spark.hadoop.ipc.client.connect.max.retries")
      hdfs.restartNameNode()
    }
    assert(code == ExitCodes.CHECKPOINT, out + err)
    assert(err.contains(s"nightly: cannot reach the production folder $production")
      && err.contains("The file system may be unreachable; the production model was not changed"), err)
    assert(!out.contains("from scratch") && !out.contains("round 1/"), out)
    assert(productionNow == before)
    assert(!hdfs.exists(s"$root/nightly-4"), "nothing was trained")
  }

  test("a second nightly run while one holds the production folder's lock exits 5 and changes nothing") {
    val before = productionNow
    val store = CheckpointStore.openFolder(production, hdfs.fileSystem.getConf, new CheckpointPolicy(5, "750", "640"))
    val held = RunLock.acquire(store, Duration.ofHours(1)) // a live holder: this JVM
    val (code, out, err) = try nightly("nightly-5", "--set", "train.rounds=1") finally held.close()
    assert(code == ExitCodes.RUN_CONFLICT, out + err)
    assert(err.contains(s"another nightly run holds the production folder $production"), err)
    assert(productionNow == before)
    assert(!hdfs.exists(s"$root/nightly-5"), "nothing was trained")
  }
}
