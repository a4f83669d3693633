package io.sparkrnn.ml;

import io.sparkrnn.dist.DeviceBinder;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Function1;
import scala.Tuple3;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;

import java.util.List;
import java.util.function.Supplier;

/**
 * Turns a call of one of the SQL functions into an expression when Spark's analyzer resolves it: the model is
 * looked up then, so a wrong argument count or type, or a function of the other kind of model (sparkrnn_bpc on a
 * classifier), fails the query at analysis with a message, before any task runs.
 */
final class SqlFunctionBuilder extends AbstractFunction1<Seq<Expression>, Expression> {
    private final SqlFunction function;
    private final Supplier<ModelBroadcast> model;
    private final DeviceBinder deviceBinder;

    SqlFunctionBuilder(SqlFunction function, Supplier<ModelBroadcast> model, DeviceBinder deviceBinder) {
        this.function = function;
        this.model = model;
        this.deviceBinder = deviceBinder;
    }

    /** What Spark's function registry and {@code SparkSessionExtensions.injectFunction} take. */
    Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>> description() {
        String name = function.sqlName();
        return new Tuple3<>(FunctionIdentifier.apply(name),
                new ExpressionInfo(SparkRnnFunctions.class.getName(), null, name, function.usage(), ""), this);
    }

    @Override
    public Expression apply(Seq<Expression> arguments) {
        List<Expression> args = JavaConverters.seqAsJavaList(arguments);
        String name = function.sqlName();
        if (args.size() != 1) {
            throw new IllegalArgumentException(name + " takes one argument, the text; got " + args.size());
        }
        DataType type = args.get(0).dataType();
        if (!type.equals(DataTypes.StringType) && !type.equals(DataTypes.NullType)) {
            throw new IllegalArgumentException(name + " reads text, but its argument " + args.get(0).sql() + " is "
                    + type.simpleString() + "; cast it: " + name + "(CAST(" + args.get(0).sql() + " AS STRING))");
        }
        ModelBroadcast shared = model.get();
        ScoringModel scoring = shared.model();
        if (scoring.isClassifier() != function.forClassifier()) {
            throw new IllegalArgumentException(name + " needs " + (function.forClassifier()
                    ? "a classifier (task = classify)" : "a language model (task = lm)") + ", but checkpoint "
                    + scoring.checkpoint() + " is " + scoring.kind() + "; its functions are "
                    + SqlFunction.namesFor(scoring.isClassifier()));
        }
        Broadcast<ScoringModel> broadcast = shared.on(SparkSession.active().sparkContext());
        UserDefinedFunction udf = functions.udf(new ScoringUdf(broadcast, function, deviceBinder),
                function.returnType()).withName(name);
        return ColumnExpressions.expression(udf.apply(ColumnExpressions.column(args.get(0))));
    }
}
