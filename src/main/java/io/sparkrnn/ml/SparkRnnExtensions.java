package io.sparkrnn.ml;

import io.sparkrnn.dist.Nd4jDeviceBinder;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spark's own extension point for the SQL functions of {@link SparkRnnFunctions}: with
 * {@code --conf spark.sql.extensions=io.sparkrnn.ml.SparkRnnExtensions} every session of the application has
 * them, in {@code spark-sql}, PySpark, SparkR and Scala alike. The checkpoint is the session's
 * {@value SparkRnnFunctions#CHECKPOINT_CONF} setting ({@code --conf}, or {@code SET} in SQL), read when a query first
 * uses a function; a URI's model is loaded once per JVM (a run folder's URI means its latest checkpoint at that time).
 */
public final class SparkRnnExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
    private static final Map<String, ModelBroadcast> LOADED = new ConcurrentHashMap<>();

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        for (Tuple3 function : SparkRnnFunctions.descriptions(SparkRnnExtensions::modelOfActiveSession,
                new Nd4jDeviceBinder())) {
            inject(extensions, function);
        }
        return BoxedUnit.UNIT;
    }

    /** Raw, as in {@code SparkRnnFunctions.registerIn}: the builder's Seq is another class in Scala 2.12 and 2.13. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void inject(SparkSessionExtensions extensions, Tuple3 function) {
        extensions.injectFunction(function);
    }

    private static ModelBroadcast modelOfActiveSession() {
        SparkSession spark = SparkSession.active();
        String uri = spark.conf().get(SparkRnnFunctions.CHECKPOINT_CONF, "");
        if (uri.isBlank()) {
            throw new IllegalArgumentException("the spark-rnn SQL functions need a checkpoint: set "
                    + SparkRnnFunctions.CHECKPOINT_CONF + " to a ckpt-N, run or production folder (--conf "
                    + SparkRnnFunctions.CHECKPOINT_CONF + "=hdfs:///runs/nightly, or SET "
                    + SparkRnnFunctions.CHECKPOINT_CONF + "=... in SQL)");
        }
        return LOADED.computeIfAbsent(uri.trim(), u -> {
            try {
                return new ModelBroadcast(ScoringModel.load(u, spark.sparkContext().hadoopConfiguration()));
            } catch (IOException e) {
                throw new UncheckedIOException(SparkRnnFunctions.CHECKPOINT_CONF + " = " + u + ": " + e.getMessage(), e);
            }
        });
    }
}
