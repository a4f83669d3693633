package io.sparkrnn.metrics

import io.sparkrnn.testkit.{LocalSpark, MiniHdfs, TestCorpora}
import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.permission.FsPermission
import org.apache.hadoop.fs.{FileContext, Path}
import org.apache.spark.sql.SparkSession
import org.scalatest.funsuite.AnyFunSuite

import java.net.URI
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Paths}
import java.util.concurrent.atomic.AtomicBoolean
import scala.collection.JavaConverters._

/**
 * metrics.jsonl over a long run, on file:// and on HDFS (MiniDFSCluster): what a round writes does not grow
 * with the run (measured with the file system's own byte counters), a reader never sees half a line, rows a
 * resumed run repeats are gone from the files as soon as it opens the journal, and spark.read.json reads it.
 */
class MetricsJournalSuite extends AnyFunSuite with LocalSpark {
  private lazy val dir = TestCorpora.tempDir("metrics-journal")
  private var started: Option[MiniHdfs] = None
  private def hdfs: MiniHdfs = started.getOrElse { started = Some(new MiniHdfs); started.get }
  private val conf = new Configuration()
  MiniHdfs.clientSettings.foreach { case (k, v) => conf.set(k, v) }
  private val dirPermission = new FsPermission("750")
  private val filePermission = new FsPermission("640")

  override def afterAll(): Unit = try super.afterAll() finally started.foreach(_.stop())

  /** A row like a round's, about 1.5 kB as the real ones are. */
  private def row(round: Int): MetricsRow = {
    val r = new MetricsRow().put("run", "journal").put("round", round).put("trainLoss", 1.0 / round)
    (0 until 40).foreach(i => r.put(s"field$i", round * 1000.0 + i))
    r
  }

  private def open(runUri: String, keepThrough: Int) =
    MetricsJournal.open(runUri, conf, keepThrough, dirPermission, filePermission)

  private def bytesWritten(runUri: String): Long = FileContext.getStatistics(URI.create(runUri)).getBytesWritten

  private def rounds(runUri: String): Seq[Int] = MetricsJournal.read(runUri, conf).asScala.map(_.number("round").toInt).toSeq

  private def longRunThenResume(runUri: String): Unit = {
    val journal = open(runUri, 0)
    val written = (1 to 250).map { round =>
      val before = bytesWritten(runUri)
      journal.append(row(round))
      bytesWritten(runUri) - before
    }
    // Rewriting the whole journal each round wrote 250 rows in round 250: about 9 times rounds 1-50's bytes.
    val (early, late) = (written.slice(0, 50).sum, written.slice(200, 250).sum)
    assert(late < 1.5 * early, s"rounds 201-250 wrote $late bytes, rounds 1-50 $early: the cost grows with the run")
    assert(written.max < 2 * MetricsJournal.ROUNDS_PER_PART * row(250).toJson.length,
      s"the largest round's write was ${written.max} bytes")
    assert(rounds(runUri) == (1 to 250))

    // A run resumed from round 150's checkpoint: rows 151-250 are gone from the files at once, not at the next write.
    val resumed = open(runUri, 150)
    assert(resumed.rows().size() == 150 && rounds(runUri) == (1 to 150))
    (151 to 160).foreach(round => resumed.append(row(round)))
    assert(rounds(runUri) == (1 to 160))
    assert(MetricsJournal.read(runUri, conf).get(159).toJson == row(160).toJson)
  }

  test("on file://, a round's write does not grow with the run, and a resume replaces the rows it repeats") {
    val run = dir.resolve("local-run").toUri.toString
    longRunThenResume(run)
    val folder = Paths.get(URI.create(run)).resolve("metrics.jsonl")
    val parts = folder.toFile.list().toSeq.filterNot(_.startsWith("."))
    assert(parts.sorted == Seq("part-00000.jsonl", "part-00001.jsonl"))
    assert(Files.getPosixFilePermissions(folder).asScala.map(_.toString).toSet ==
      Set("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE", "GROUP_READ", "GROUP_EXECUTE"))
  }

  test("on HDFS, a round's write does not grow with the run, and a resume replaces the rows it repeats") {
    longRunThenResume(hdfs.uri + "/runs/hdfs-run")
    val status = hdfs.fileSystem.listStatus(new Path(hdfs.uri + "/runs/hdfs-run/metrics.jsonl"))
    assert(status.map(_.getPath.getName).sorted.toSeq == Seq("part-00000.jsonl", "part-00001.jsonl"))
    assert(status.forall(_.getPermission.toString == "rw-r-----"))
  }

  test("a reader never sees half a line while rounds are written") {
    val run = dir.resolve("read-while-writing").toUri.toString
    val journal = open(run, 0)
    val done = new AtomicBoolean()
    val reader = new Thread(() => {
      val folder = Paths.get(URI.create(run)).resolve("metrics.jsonl")
      while (!done.get()) {
        if (Files.isDirectory(folder)) {
          for (part <- folder.toFile.listFiles().map(_.toPath) if !part.getFileName.toString.startsWith(".")) {
            val text = try new String(Files.readAllBytes(part), StandardCharsets.UTF_8)
            catch { case _: java.nio.file.NoSuchFileException => "" } // replaced while listed
            assert(text.isEmpty || text.endsWith("\n"), s"$part ends mid-line")
            text.split("\n").filter(_.nonEmpty).foreach(MetricsRow.fromJson)
          }
        }
      }
    })
    val failure = new java.util.concurrent.atomic.AtomicReference[Throwable]()
    reader.setUncaughtExceptionHandler((_, e) => failure.set(e))
    reader.start()
    try {
      (1 to 300).foreach(round => journal.append(row(round)))
    } finally {
      done.set(true)
      reader.join()
    }
    assert(failure.get() == null, s"the reader failed: ${failure.get()}")
  }

  test("spark.read.json of the run's metrics.jsonl gives every round once, also over several part files") {
    val run = dir.resolve("spark-read").toUri.toString
    val journal = open(run, 0)
    (1 to 230).foreach(round => journal.append(row(round)))
    val spark = SparkSession.builder().getOrCreate() // the suite's context
    val read = spark.read.json(run + "/metrics.jsonl").orderBy("round").select("round").collect().map(_.getLong(0).toInt)
    assert(read.toSeq == (1 to 230))
  }

  test("a journal of the earlier single-file layout is converted when a run opens it") {
    val runDir = Files.createDirectories(dir.resolve("single-file"))
    Files.write(runDir.resolve("metrics.jsonl"), (1 to 5).map(row(_).toJson + "\n").mkString.getBytes(StandardCharsets.UTF_8))
    val run = runDir.toUri.toString
    assert(rounds(run) == (1 to 5), "read as it is")
    val journal = open(run, 4)
    assert(Files.isDirectory(runDir.resolve("metrics.jsonl")))
    assert(rounds(run) == (1 to 4))
    journal.append(row(5))
    assert(rounds(run) == (1 to 5))
  }
}
