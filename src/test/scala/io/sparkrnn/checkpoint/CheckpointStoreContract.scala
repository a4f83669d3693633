package io.sparkrnn.checkpoint

import java.io.{BufferedReader, ByteArrayOutputStream, File, IOException, InputStreamReader}
import java.nio.charset.StandardCharsets.UTF_8
import java.nio.file.{Files, Paths}
import java.security.MessageDigest
import java.util.HexFormat
import java.util.concurrent.{CountDownLatch, TimeUnit}
import java.util.concurrent.atomic.AtomicInteger

import scala.collection.JavaConverters._

import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.{FileSystem, Path}
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

/**
 * The behaviour every file system must give CheckpointStore and AtomicFiles. Subclasses provide a file
 * system (local, MiniDFSCluster); every test works in its own fresh root.
 */
abstract class CheckpointStoreContract extends AnyFunSuite with BeforeAndAfterAll {

  /** Configuration the store (and the child JVM, as key=value pairs) uses. */
  protected def conf: Configuration

  /** A URI of a root folder nobody has used yet, on the file system under test. */
  protected def newRoot(): String

  /** Hadoop settings the child JVM of the kill test needs to reach the file system. */
  protected def childConf: Seq[(String, String)] = Seq.empty

  /**
   * Calls `check` with a root the store cannot write, in the user context the store must run in;
   * `check` opens the store and calls checkWritable.
   */
  protected def withUnwritableRoot(check: String => Unit): Unit

  private val counter = new AtomicInteger()
  protected def uniqueName(prefix: String): String = prefix + "-" + counter.incrementAndGet()

  protected def fsOf(uri: String): FileSystem = new Path(uri).getFileSystem(conf)

  protected def store(root: String, keep: Int = 3, dirPerm: String = "750", filePerm: String = "640",
                      c: Configuration = conf): CheckpointStore =
    CheckpointStore.open(root, "run", c, new CheckpointPolicy(keep, dirPerm, filePerm))

  protected def randomBytes(seed: Long, n: Int): Array[Byte] = {
    val b = new Array[Byte](n)
    new java.util.Random(seed).nextBytes(b)
    b
  }

  protected def contents(files: (String, Array[Byte])*): CheckpointContents = new CheckpointContents {
    override def writeTo(w: CheckpointWriter): Unit =
      files.foreach { case (name, bytes) => w.file(name, out => out.write(bytes)) }
  }

  /** Model and state of a round, as a test checkpoint. */
  protected def roundFiles(round: Long): Seq[(String, Array[Byte])] =
    Seq("model.bin" -> randomBytes(round, 50000 + round.toInt), "state.json" -> s"""{"round":$round}""".getBytes(UTF_8))

  protected def saveRound(s: CheckpointStore, round: Long, loss: Double = Double.NaN): CheckpointRef =
    s.save(round, loss, contents(roundFiles(round): _*))

  /** Names in a folder, without local-FS .crc side files. */
  protected def names(uri: String): Set[String] =
    fsOf(uri).listStatus(new Path(uri)).map(_.getPath.getName).filterNot(_.endsWith(".crc")).toSet

  protected def readText(uri: String): String = new String(readBytes(uri), UTF_8)

  protected def readBytes(uri: String): Array[Byte] = {
    val in = fsOf(uri).open(new Path(uri))
    try {
      val out = new ByteArrayOutputStream()
      in.transferTo(out)
      out.toByteArray
    } finally in.close()
  }

  /** Rewrites a file through the file system (so local CRCs and HDFS block checksums stay consistent). */
  protected def rewrite(uri: String, bytes: Array[Byte]): Unit = {
    val out = fsOf(uri).create(new Path(uri), true)
    try out.write(bytes) finally out.close()
  }

  protected def sha256(b: Array[Byte]): String = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b))

  protected def assertRound(ref: CheckpointRef, round: Long): Unit = {
    assert(ref.round() == round)
    roundFiles(round).foreach { case (name, bytes) => assert(ref.readAll(name).sameElements(bytes), name) }
  }

  // ---------------------------------------------------------------------------------------------

  test("save then latest round-trips the bytes, and the folder has the documented layout") {
    val s = store(newRoot())
    assert(!s.exists())
    assert(s.latest().isEmpty)
    val saved = s.save(7, 1.25, contents(roundFiles(7): _*))
    assert(s.exists())
    assert(saved.uri() == s.runUri() + "/ckpt-00000007")
    assert(s.runUri().matches("^(file|hdfs):/.*/run$"), s.runUri())

    val ref = s.latest().get
    assert(ref.round() == 7 && ref.validationLoss() == 1.25 && ref.uri() == saved.uri())
    assert(ref.files().asScala == Seq("model.bin", "state.json"))
    assertRound(ref, 7)
    val streamed = new ByteArrayOutputStream()
    val in = ref.open("model.bin")
    try in.transferTo(streamed) finally in.close()
    assert(streamed.toByteArray.sameElements(roundFiles(7).head._2))

    assert(names(saved.uri()) == Set("model.bin", "state.json", "checksums.json", "_COMPLETE"))
    assert(names(s.runUri()) == Set("LATEST", "ckpt-00000007"))
    assert(readText(s.runUri() + "/LATEST") == "ckpt-00000007\n")
    val manifest = readText(saved.uri() + "/checksums.json")
    assert(manifest.contains("\"sha256\" : \"" + sha256(roundFiles(7).head._2) + "\""), manifest)
    assert(manifest.contains("\"round\" : 7") && manifest.contains("\"validationLoss\" : 1.25"), manifest)
    assert(readText(saved.uri() + "/_COMPLETE").trim == sha256(manifest.getBytes(UTF_8)))
    assert(s.listComplete().asScala.map(_.round()) == Seq(7L))
  }

  test("an unknown validation loss (NaN) round-trips, and a streamed file is hashed while it is written") {
    val s = store(newRoot())
    val big = randomBytes(99, 3 << 20)
    s.save(1, Double.NaN, new CheckpointContents {
      override def writeTo(w: CheckpointWriter): Unit = w.file("model.bin", out => {
        var off = 0
        while (off < big.length) { out.write(big, off, math.min(65536, big.length - off)); off += 65536 }
        out.close() // callers' serialisers close the stream; the store must cope
      })
    })
    val ref = s.latest().get
    assert(ref.validationLoss().isNaN)
    assert(ref.size("model.bin") == big.length)
    assert(ref.readAll("model.bin").sameElements(big))
  }

  test("LATEST always names a complete checkpoint, also as seen by a concurrent reader") {
    val s = store(newRoot(), keep = 100) // no retention: a folder the reader saw named must stay
    val fs = fsOf(s.runUri())
    val latestPath = new Path(s.runUri() + "/LATEST")
    @volatile var saving = true
    val checks = new AtomicInteger()
    val violations = new java.util.concurrent.ConcurrentLinkedQueue[String]()
    val reader = new Thread(() => while (saving) {
      // LATEST may be briefly missing on file:// (non-atomic overwrite-rename); it must never be wrong.
      val named = try Some(readText(latestPath.toString).trim) catch { case _: java.io.FileNotFoundException => None }
      named.foreach { n =>
        if (!fs.exists(new Path(s.runUri() + "/" + n + "/_COMPLETE"))) violations.add(n)
        checks.incrementAndGet()
      }
      Thread.sleep(1) // the machine is shared: poll, do not spin
    })
    reader.start()
    try {
      for (round <- 1L to 6L) {
        saveRound(s, round, loss = 10.0 - round)
        val named = readText(s.runUri() + "/LATEST").trim
        assert(named == f"ckpt-$round%08d")
        assert(names(s.runUri() + "/" + named).contains("_COMPLETE"))
        assertRound(CheckpointRef.resolve(s.runUri() + "/" + named, conf), round)
      }
    } finally {
      saving = false
      reader.join(10000)
    }
    assert(violations.isEmpty, s"LATEST named incomplete folders: $violations")
    assert(checks.get() > 0)
  }

  test("a save whose body throws half-way leaves LATEST on the previous checkpoint and no folder behind") {
    val s = store(newRoot())
    saveRound(s, 1)
    val e = intercept[IOException] {
      s.save(2, 0.5, new CheckpointContents {
        override def writeTo(w: CheckpointWriter): Unit = {
          w.file("model.bin", out => out.write(randomBytes(2, 100000)))
          w.file("state.json", out => { out.write('{'); throw new IOException("simulated: disk full after 1 byte") })
        }
      })
    }
    assert(e.getMessage == "simulated: disk full after 1 byte")
    assert(readText(s.runUri() + "/LATEST") == "ckpt-00000001\n")
    assert(names(s.runUri()) == Set("LATEST", "ckpt-00000001"))
    assertRound(s.latest().get, 1)

    // A bad file name from the caller is a cancelled save too.
    val bad = intercept[IllegalArgumentException](s.save(2, 0.5, contents("../escape" -> Array[Byte](1))))
    assert(bad.getMessage.contains("\"../escape\""), bad.getMessage)
    assert(names(s.runUri()) == Set("LATEST", "ckpt-00000001"))
  }

  test("a flipped byte is caught by the checksum: latest() warns and falls back to the previous checkpoint") {
    val s = store(newRoot())
    saveRound(s, 1)
    val second = saveRound(s, 2)
    val model = readBytes(second.uri() + "/model.bin")
    model(12345) = (model(12345) ^ 0x01).toByte
    rewrite(second.uri() + "/model.bin", model)

    val (latest, warnings) = LogCapture.warnings(s.latest())
    assertRound(latest.get, 1)
    val skip = warnings.find(_.contains("ckpt-00000002"))
    assert(skip.exists(w => w.startsWith("WARN") && w.contains("model.bin: checksum mismatch")), warnings)

    // Reading the damaged file through an old reference fails at its end instead of returning bad bytes.
    val readErr = intercept[CheckpointException](second.readAll("model.bin"))
    assert(readErr.getMessage.contains("ckpt-00000002/model.bin is corrupt"), readErr.getMessage)
    val resolveErr = intercept[CheckpointException](CheckpointRef.resolve(second.uri(), conf))
    assert(resolveErr.getMessage.contains("checksum mismatch") && resolveErr.getMessage.contains(second.uri()),
      resolveErr.getMessage)
    assert(CheckpointRef.resolve(s.runUri(), conf).round() == 1)
  }

  test("a checkpoint without _COMPLETE is skipped; one with a damaged manifest too") {
    val s = store(newRoot())
    saveRound(s, 1)
    saveRound(s, 2)
    val third = saveRound(s, 3)
    assert(fsOf(third.uri()).delete(new Path(third.uri() + "/_COMPLETE"), false))
    val manifest2 = s.runUri() + "/ckpt-00000002/checksums.json"
    rewrite(manifest2, readText(manifest2).replace("\"round\" : 2", "\"round\" : 22").getBytes(UTF_8))

    val (latest, warnings) = LogCapture.warnings(s.latest())
    assertRound(latest.get, 1)
    assert(warnings.exists(w => w.contains("ckpt-00000003") && w.contains("no _COMPLETE marker")), warnings)
    assert(warnings.exists(w => w.contains("ckpt-00000002") && w.contains("does not match the SHA-256 recorded in _COMPLETE")),
      warnings)
    assert(s.listComplete().asScala.map(_.round()) == Seq(1L))

    // The next save removes folders that can never be loaded and are older than it.
    saveRound(s, 4)
    assert(names(s.runUri()) == Set("LATEST", "ckpt-00000001", "ckpt-00000004"))
  }

  test("a missing LATEST falls back to the newest intact folder; no intact checkpoint at all is an error") {
    val s = store(newRoot())
    saveRound(s, 1)
    saveRound(s, 2)
    assert(fsOf(s.runUri()).delete(new Path(s.runUri() + "/LATEST"), false))
    val (latest, warnings) = LogCapture.warnings(s.latest())
    assertRound(latest.get, 2)
    assert(warnings.exists(_.contains("no LATEST")), warnings)

    for (r <- Seq("ckpt-00000001", "ckpt-00000002"))
      assert(fsOf(s.runUri()).delete(new Path(s.runUri() + "/" + r + "/_COMPLETE"), false))
    val e = intercept[CheckpointException](s.latest())
    assert(e.getMessage.contains("Run folder " + s.runUri() + " has no usable checkpoint"), e.getMessage)
    assert(e.getMessage.contains("ckpt-00000001: no _COMPLETE marker"), e.getMessage)
  }

  test("retention keeps exactly the newest `keep` plus the best validation loss") {
    val s = store(newRoot(), keep = 2)
    val losses = Seq(1L -> 3.0, 2L -> 1.5, 3L -> 2.0, 4L -> Double.NaN, 5L -> 2.5, 6L -> 1.9)
    val expectedAfter = Map(
      1L -> Set(1L), 2L -> Set(1L, 2L), 3L -> Set(2L, 3L), 4L -> Set(2L, 3L, 4L), 5L -> Set(2L, 4L, 5L),
      6L -> Set(2L, 5L, 6L))
    for ((round, loss) <- losses) {
      saveRound(s, round, loss)
      val expected = expectedAfter(round).map(r => f"ckpt-$r%08d") + "LATEST"
      assert(names(s.runUri()) == expected, s"after round $round")
    }
    assert(s.listComplete().asScala.map(_.round()) == Seq(2L, 5L, 6L))
    assert(s.listComplete().asScala.map(_.validationLoss()) == Seq(1.5, 2.5, 1.9))
  }

  test("saving the same round again replaces it (a retried save) and cleans up") {
    val s = store(newRoot())
    saveRound(s, 1)
    s.save(2, 1.0, contents("model.bin" -> Array[Byte](1, 2, 3)))
    s.save(2, 0.9, contents("model.bin" -> Array[Byte](4, 5), "extra.txt" -> "x".getBytes(UTF_8)))
    val ref = s.latest().get
    assert(ref.round() == 2 && ref.validationLoss() == 0.9)
    assert(ref.readAll("model.bin").toSeq == Seq[Byte](4, 5))
    assert(ref.files().asScala == Seq("model.bin", "extra.txt"))
    assert(names(s.runUri()) == Set("LATEST", "ckpt-00000001", "ckpt-00000002"))
    assert(names(ref.uri()) == Set("model.bin", "extra.txt", "checksums.json", "_COMPLETE"))
  }

  test("folders get 750 and files 640 exactly, even under umask 077; a custom policy is honoured") {
    val strict = new Configuration(conf)
    strict.set("fs.permissions.umask-mode", "077")
    val s = store(newRoot(), c = strict)
    val ref = saveRound(s, 1)
    val fs = fsOf(s.runUri())
    def perm(uri: String): String = Integer.toOctalString(fs.getFileStatus(new Path(uri)).getPermission.toShort)
    assert(perm(s.runUri()) == "750")
    assert(perm(ref.uri()) == "750")
    for (f <- Seq("model.bin", "state.json", "checksums.json", "_COMPLETE")) assert(perm(ref.uri() + "/" + f) == "640", f)
    assert(perm(s.runUri() + "/LATEST") == "640")

    val custom = store(newRoot(), dirPerm = "700", filePerm = "600", c = strict)
    val ref2 = saveRound(custom, 1)
    assert(perm(custom.runUri()) == "700" && perm(ref2.uri()) == "700")
    assert(perm(ref2.uri() + "/model.bin") == "600" && perm(custom.runUri() + "/LATEST") == "600")
  }

  test("checkWritable creates the run folder, leaves nothing behind, and fails clearly where it cannot write") {
    val s = store(newRoot())
    s.checkWritable()
    assert(names(s.runUri()).isEmpty)
    assert(!s.exists())
    withUnwritableRoot { root =>
      val locked = store(root)
      val e = intercept[CheckpointException](locked.checkWritable())
      assert(e.getMessage.startsWith("Cannot write checkpoints to " + locked.runUri() + ": "), e.getMessage)
      assert(e.getMessage.contains("give your user write access"), e.getMessage)
    }
  }

  test("resolve: a checkpoint folder, a run folder, and clear errors for anything else") {
    val s = store(newRoot())
    val first = saveRound(s, 1, 2.0)
    saveRound(s, 2, 3.0)
    assert(CheckpointRef.resolve(first.uri(), conf).round() == 1)
    assert(CheckpointRef.resolve(s.runUri(), conf).round() == 2)

    val missing = s.runUri() + "/ckpt-00000009"
    val e1 = intercept[CheckpointException](CheckpointRef.resolve(missing, conf))
    assert(e1.getMessage == "Checkpoint " + missing + " cannot be used: it does not exist. Pass another ckpt-NNNNNNNN "
      + "folder, or the run folder " + s.runUri() + " to use its newest intact checkpoint")
    val nowhere = s.runUri() + "-nope"
    val e2 = intercept[CheckpointException](CheckpointRef.resolve(nowhere, conf))
    assert(e2.getMessage.startsWith("Checkpoint path " + nowhere + " does not exist."), e2.getMessage)
    val e3 = intercept[CheckpointException](CheckpointRef.resolve(first.uri() + "/model.bin", conf))
    assert(e3.getMessage.contains("is a file"), e3.getMessage)
    val e4 = intercept[CheckpointException](CheckpointRef.resolve(s.runUri() + "/..", conf))
    assert(e4.getMessage.contains("is neither a checkpoint folder nor a run folder"), e4.getMessage)
    val e5 = intercept[CheckpointException](first.readAll("optimizer.bin"))
    assert(e5.getMessage.contains("has no file \"optimizer.bin\"; it has [model.bin, state.json]"), e5.getMessage)
  }

  // ---- AtomicFiles: the contract underneath LATEST -----------------------------------------------

  test("AtomicFiles: close publishes, cancel discards, both idempotent, no temp files left") {
    val dir = newRoot()
    fsOf(dir).mkdirs(new Path(dir))
    val target = new Path(dir + "/POINTER")
    val atomic = FileContextAtomicFiles.forPath(target, conf)
    val perm = new CheckpointPolicy(1, "750", "640").filePermission()

    val first = atomic.createAtomic(target, perm)
    first.write("one".getBytes(UTF_8))
    assert(!names(dir).contains("POINTER"))          // nothing visible before close
    first.close()
    first.close()
    first.cancel()                                    // after close: no effect
    assert(readText(target.toString) == "one")

    val second = atomic.createAtomic(target, perm)
    second.write("two-partial".getBytes(UTF_8))
    second.cancel()
    second.cancel()
    second.close()                                    // after cancel: no effect
    assert(readText(target.toString) == "one")
    intercept[IOException](second.write(1))

    val e = intercept[IllegalStateException] {
      atomic.writeAtomic(target, perm, out => { out.write("three".getBytes(UTF_8)); throw new IllegalStateException("boom") })
    }
    assert(e.getMessage == "boom")
    assert(readText(target.toString) == "one")
    atomic.writeAtomic(target, perm, out => out.write("four".getBytes(UTF_8)))
    assert(readText(target.toString) == "four")
    assert(names(dir) == Set("POINTER"))
  }

  // ---- a real crash -------------------------------------------------------------------------------

  test("kill -9 during a save: latest() is the previous checkpoint, intact, and the next save works") {
    val root = newRoot()
    val cp = System.getProperty("java.class.path")
    val javaBin = Paths.get(System.getProperty("java.home"), "bin", "java").toString
    val stderr = File.createTempFile("kill-child", ".err")
    val cmd = Seq(javaBin, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp, classOf[CheckpointKillChild].getName, root, "run") ++
      childConf.map { case (k, v) => k + "=" + v }
    val child = new ProcessBuilder(cmd: _*).redirectError(stderr).start()
    val saw = new CountDownLatch(1)
    val lines = new java.util.concurrent.ConcurrentLinkedQueue[String]()
    val reader = new Thread(() => {
      val in = new BufferedReader(new InputStreamReader(child.getInputStream, UTF_8))
      Iterator.continually(in.readLine()).takeWhile(_ != null).foreach { l =>
        lines.add(l)
        if (l == CheckpointKillChild.MARKER) saw.countDown()
      }
    })
    reader.setDaemon(true)
    reader.start()
    try {
      assert(saw.await(45, TimeUnit.SECONDS),
        s"child never reached round 2; stdout=${lines.asScala.toList} stderr=${new String(Files.readAllBytes(stderr.toPath), UTF_8)}")
    } finally {
      child.destroyForcibly()
      child.waitFor(20, TimeUnit.SECONDS)
    }
    assert(child.exitValue() == 137, "expected death by SIGKILL (128 + 9)")
    assert(lines.asScala.toList == List(CheckpointKillChild.SAVED_1, CheckpointKillChild.MARKER))

    val s = store(root)
    val run = names(s.runUri())
    assert(run.contains("LATEST") && run.contains("ckpt-00000001"), run)
    assert(!run.contains("ckpt-00000002"), run)
    assert(run.exists(_.matches("""\.ckpt-00000002\.tmp-[0-9a-f-]{36}""")), s"the interrupted save's temp folder: $run")
    assert(readText(s.runUri() + "/LATEST") == "ckpt-00000001\n")
    val latest = s.latest().get
    assert(latest.round() == 1 && latest.validationLoss() == 2.0)
    assert(latest.readAll("model.bin").sameElements(CheckpointKillChild.model(1)))
    assert(latest.readAll("state.json").sameElements(CheckpointKillChild.state(1)))

    s.save(2, 1.0, contents("model.bin" -> CheckpointKillChild.model(2), "state.json" -> CheckpointKillChild.state(2)))
    val after = s.latest().get
    assert(after.round() == 2 && after.readAll("model.bin").sameElements(CheckpointKillChild.model(2)))
    assert(names(s.runUri()) == Set("LATEST", "ckpt-00000001", "ckpt-00000002"), "temp folder cleaned up")
    stderr.delete()
  }
}
