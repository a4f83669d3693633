package io.sparkrnn.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.function.Supplier;

/**
 * {@code log.quiet = true}: warnings and errors only, from every logger, whatever log4j2 configuration the JVM
 * started with: conf/log4j2.properties (which lets spark-rnn's own INFO lines through: checkpoint saves, task
 * slots, thread settings) or, under spark-submit without one, Spark's defaults (everything at INFO). Loggers set
 * quieter than WARN stay as they are.
 */
final class QuietLogging {
    private QuietLogging() { }

    /**
     * Starts Spark with {@code start}; when quiet, before (Spark logs at INFO as it starts) and again after (without
     * a log4j2 configuration, Spark installs its own defaults as it starts).
     */
    static JavaSparkContext startSpark(boolean quiet, Supplier<JavaSparkContext> start) {
        if (quiet) {
            apply();
        }
        JavaSparkContext sc = start.get();
        if (quiet) {
            apply();
        }
        return sc;
    }

    static void apply() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        raiseToWarn(configuration.getRootLogger());
        configuration.getLoggers().values().forEach(QuietLogging::raiseToWarn);
        context.updateLoggers();
    }

    private static void raiseToWarn(LoggerConfig logger) {
        if (logger.getLevel() != null && logger.getLevel().isLessSpecificThan(Level.INFO)) {
            logger.setLevel(Level.WARN);
        }
    }
}
