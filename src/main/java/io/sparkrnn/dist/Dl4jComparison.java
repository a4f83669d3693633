package io.sparkrnn.dist;

import io.sparkrnn.config.ConfigError;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;

import java.lang.reflect.InvocationTargetException;

/**
 * {@code train.engine = dl4j} trains with DL4J's Spark module (dl4j-spark), which exists only for Scala 2.12 and
 * brings DL4J's UI, datasets and much more into lib/. So it is built only with the Maven profile dl4j-spark
 * (sources in src/dl4j-spark); the default build does not contain {@code Dl4jEngine}, and asking for it is a
 * configuration error that says how to get a build that has it.
 */
public final class Dl4jComparison {
    static final String ENGINE_CLASS = "io.sparkrnn.dist.Dl4jEngine";
    public static final String HOW_TO_BUILD = "build spark-rnn with DL4J's Spark module: mvn -B -Pdl4j-spark "
            + "-DskipTests package (Spark 3.5 / Scala 2.12 only; it builds in target/dl4j-spark/), and run that build";

    private Dl4jComparison() { }

    /** Whether this build contains the DL4J comparison engine. */
    public static boolean available() {
        try {
            Class.forName(ENGINE_CLASS, false, Dl4jComparison.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Fails with a configuration error (exit 2) when the configuration asks for an engine this build lacks. */
    public static void requireAvailable(RunConfig config) {
        if ("dl4j".equals(config.get(Options.ENGINE)) && !available()) {
            throw new ConfigError(Options.ENGINE.key(), "train.engine = dl4j (in " + config.origin() + ") needs DL4J's "
                    + "Spark module, which this build of spark-rnn leaves out; use train.engine = sparkrnn, or "
                    + HOW_TO_BUILD);
        }
    }

    /** The engine train.engine selects when it is not ours, or null for train.engine = sparkrnn. */
    static AllRoundsEngine selected(RunConfig config) {
        if (!"dl4j".equals(config.get(Options.ENGINE))) {
            return null;
        }
        requireAvailable(config);
        try {
            return (AllRoundsEngine) Class.forName(ENGINE_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw new IllegalStateException("cannot create " + ENGINE_CLASS + ": " + cause, cause);
        }
    }
}
