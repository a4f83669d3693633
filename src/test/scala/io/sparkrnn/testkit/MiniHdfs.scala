package io.sparkrnn.testkit

import org.apache.commons.io.FileUtils
import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.{FileSystem, Path}
import org.apache.hadoop.hdfs.MiniDFSCluster

import java.nio.file.Files

/**
 * A one-DataNode HDFS in the test JVM (starts in about 4 s). `uri` is reachable from Spark jobs and from child
 * JVMs; `clientSettings` are the Hadoop settings a client of this cluster should use.
 */
final class MiniHdfs {
  private val base = Files.createTempDirectory("minihdfs").toFile
  private val conf = new Configuration()
  conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath)
  MiniHdfs.clientSettings.foreach { case (k, v) => conf.set(k, v) }
  private val cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build()
  cluster.waitActive()

  /** hdfs://127.0.0.1:port */
  val uri: String = "hdfs://127.0.0.1:" + cluster.getNameNodePort

  def fileSystem: FileSystem = cluster.getFileSystem

  def exists(path: String): Boolean = fileSystem.exists(new Path(path))

  def readString(path: String): String = {
    val in = fileSystem.open(new Path(path))
    try new String(in.readAllBytes(), "UTF-8") finally in.close()
  }

  /** Stops the NameNode only (the DataNode and the data stay): clients now get "connection refused". */
  def stopNameNode(): Unit = cluster.shutdownNameNode(0)

  /** Starts the NameNode again on the same port, with the same data, and waits until it accepts writes. */
  def restartNameNode(): Unit = {
    cluster.restartNameNode(0, true)
    cluster.waitActive()
    val deadline = System.nanoTime() + 60L * 1000 * 1000 * 1000
    while (cluster.getNameNode(0).isInSafeMode && System.nanoTime() < deadline) Thread.sleep(100)
  }

  def stop(): Unit = {
    cluster.shutdown()
    FileUtils.deleteQuietly(base)
  }
}

object MiniHdfs {
  /**
   * One DataNode, so one replica; and a short first poll when a file is closed (the default 400 ms wait for
   * the DataNode's block report is pure delay on loopback).
   */
  val clientSettings: Seq[(String, String)] = Seq(
    "dfs.replication" -> "1",
    "dfs.client.block.write.locateFollowingBlock.initial.delay.ms" -> "20")
}
