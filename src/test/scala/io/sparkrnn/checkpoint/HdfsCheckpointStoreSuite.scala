package io.sparkrnn.checkpoint

import java.io.File
import java.nio.file.Files
import java.security.PrivilegedExceptionAction

import org.apache.commons.io.FileUtils
import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.Path
import org.apache.hadoop.fs.permission.FsPermission
import org.apache.hadoop.hdfs.MiniDFSCluster
import org.apache.hadoop.security.UserGroupInformation

/** The contract on a real HDFS: a one-DataNode MiniDFSCluster in this JVM. */
class HdfsCheckpointStoreSuite extends CheckpointStoreContract {
  private val base: File = Files.createTempDirectory("ckpt-minidfs").toFile
  private var cluster: MiniDFSCluster = _
  private var clusterConf: Configuration = _
  private var nameNode: String = _

  override def beforeAll(): Unit = {
    val c = new Configuration()
    c.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath)
    childConf.foreach { case (k, v) => c.set(k, v) }
    val t0 = System.nanoTime()
    cluster = new MiniDFSCluster.Builder(c).numDataNodes(1).build()
    cluster.waitActive()
    println(f"MiniDFSCluster started in ${(System.nanoTime() - t0) / 1e9}%.1f s")
    clusterConf = c
    nameNode = "hdfs://127.0.0.1:" + cluster.getNameNodePort
  }

  override def afterAll(): Unit = {
    val t0 = System.nanoTime()
    if (cluster != null) cluster.shutdown()
    println(f"MiniDFSCluster shut down in ${(System.nanoTime() - t0) / 1e9}%.1f s")
    FileUtils.deleteQuietly(base)
  }

  override protected def conf: Configuration = clusterConf

  override protected def newRoot(): String = nameNode + "/" + uniqueName("t")

  /**
   * One DataNode, so one replica. And: closing an HDFS file polls the NameNode until the DataNode has
   * reported the last block, sleeping 400 ms first by default; on a loopback cluster the report comes
   * within milliseconds, so the default delay made every file close cost 400 ms here.
   */
  override protected def childConf: Seq[(String, String)] = Seq(
    "dfs.replication" -> "1",
    "dfs.client.block.write.locateFollowingBlock.initial.delay.ms" -> "20")

  /**
   * The test JVM's user started the NameNode, so it is the HDFS superuser and bypasses permissions.
   * The store therefore runs as "alice" (simple auth) against a folder owned by "bob" with mode 500.
   */
  override protected def withUnwritableRoot(check: String => Unit): Unit = {
    val admin = cluster.getFileSystem
    val locked = new Path("/" + uniqueName("locked"))
    assert(admin.mkdirs(locked))
    admin.setOwner(locked, "bob", "bobs")
    admin.setPermission(locked, new FsPermission("500"))
    UserGroupInformation.createRemoteUser("alice").doAs(new PrivilegedExceptionAction[Unit] {
      override def run(): Unit = check(nameNode + locked)
    })
  }
}
