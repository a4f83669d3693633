package io.sparkrnn.ml;

import io.sparkrnn.dist.DeviceBinder;
import io.sparkrnn.dist.Nd4jDeviceBinder;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Function1;
import scala.Tuple3;
import scala.collection.Seq;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * SQL functions bound to a checkpoint, so that SQL, PySpark, SparkR and Scala can score without spark-rnn's
 * classes: for a language model {@code sparkrnn_bpc(text)}, {@code sparkrnn_loglikelihood(text)},
 * {@code sparkrnn_characters(text)} and {@code sparkrnn_score(text)} (all three as a struct); for a classifier
 * {@code sparkrnn_predict(text)} and {@code sparkrnn_probability(text)} (label to probability). Their values
 * equal the matching columns of {@link SparkRnnModel#transform} (windows = carry).
 * <p>
 * Two ways in: {@link #register} in a session, or {@link SparkRnnExtensions} with
 * {@code --conf spark.sql.extensions=io.sparkrnn.ml.SparkRnnExtensions --conf spark.sparkrnn.checkpoint=URI}.
 */
public final class SparkRnnFunctions {
    /** The checkpoint the functions of {@link SparkRnnExtensions} score with (a ckpt-N, run or production folder). */
    public static final String CHECKPOINT_CONF = "spark.sparkrnn.checkpoint";

    private SparkRnnFunctions() { }

    /**
     * Registers the functions in {@code spark}, bound to the checkpoint at {@code checkpointUri} (read now: a bad
     * URI fails here). Returns the names that apply to its model; the others fail a query with a message.
     */
    public static List<String> register(SparkSession spark, String checkpointUri) throws IOException {
        ModelBroadcast model = new ModelBroadcast(ScoringModel.load(checkpointUri,
                spark.sparkContext().hadoopConfiguration()));
        List<String> usable = new ArrayList<>();
        for (Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>> f
                : descriptions(() -> model, new Nd4jDeviceBinder())) {
            registerIn(spark.sessionState().functionRegistry(), f);
        }
        for (SqlFunction f : SqlFunction.values()) {
            if (f.forClassifier() == model.model().isClassifier()) {
                usable.add(f.sqlName());
            }
        }
        return usable;
    }

    /**
     * Scala 2.13's registry takes a builder of {@code scala.collection.immutable.Seq}, 2.12's of
     * {@code scala.collection.Seq}: one class once erased, and the analyzer passes an immutable Seq on both.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void registerIn(FunctionRegistry registry, Tuple3 function) {
        registry.registerFunction((FunctionIdentifier) function._1(), (ExpressionInfo) function._2(),
                (Function1) function._3());
    }

    static List<Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>>> descriptions(
            Supplier<ModelBroadcast> model, DeviceBinder deviceBinder) {
        List<Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>>> all = new ArrayList<>();
        for (SqlFunction f : SqlFunction.values()) {
            all.add(new SqlFunctionBuilder(f, model, deviceBinder).description());
        }
        return all;
    }
}
