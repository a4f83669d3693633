package io.sparkrnn.checkpoint

import java.util.UUID
import java.util.concurrent.ConcurrentLinkedQueue

import scala.collection.JavaConverters._

import org.apache.logging.log4j.{Level, LogManager}
import org.apache.logging.log4j.core.{LogEvent, LoggerContext}
import org.apache.logging.log4j.core.appender.AbstractAppender
import org.apache.logging.log4j.core.config.{Configurator, Property}

/** Captures WARN and above from a package, io.sparkrnn.checkpoint by default (SLF4J is bound to log4j2 on the test class path). */
object LogCapture {
  private val Package = "io.sparkrnn.checkpoint"

  def warnings[T](body: => T): (T, Seq[String]) = warningsOf(Package)(body)

  def warningsOf[T](packageName: String)(body: => T): (T, Seq[String]) = {
    Configurator.setLevel(packageName, Level.WARN)
    val ctx = LogManager.getContext(false).asInstanceOf[LoggerContext]
    val logger = ctx.getLogger(packageName)
    val events = new ConcurrentLinkedQueue[String]()
    val appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
      override def append(e: LogEvent): Unit =
        events.add(e.getLevel.toString + " " + e.getMessage.getFormattedMessage)
    }
    appender.start()
    logger.addAppender(appender)
    try {
      val result = body
      (result, events.asScala.toList)
    } finally {
      logger.removeAppender(appender)
      appender.stop()
    }
  }
}
