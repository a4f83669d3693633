package io.sparkrnn.checkpoint

import java.io.File
import java.nio.file.Files

import org.apache.commons.io.FileUtils
import org.apache.hadoop.conf.Configuration

/** The contract on the local file system (file://, Hadoop's checksummed LocalFs). */
class LocalCheckpointStoreSuite extends CheckpointStoreContract {
  private val base: File = Files.createTempDirectory("ckpt-local").toFile
  private val localConf = new Configuration()

  override protected def conf: Configuration = localConf

  override protected def newRoot(): String = "file://" + new File(base, uniqueName("t")).getAbsolutePath

  /** Tests run as root, which may write anywhere; but nobody can create a folder under a regular file. */
  override protected def withUnwritableRoot(check: String => Unit): Unit = {
    val file = new File(base, uniqueName("a-file"))
    Files.write(file.toPath, Array[Byte](1))
    check("file://" + file.getAbsolutePath + "/sub")
  }

  override def afterAll(): Unit = FileUtils.deleteQuietly(base)
}
