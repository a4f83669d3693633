package io.sparkrnn.ml;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Expression;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Between a Catalyst expression and a Column, on Spark 3.5 and Spark 4 alike: Spark 3.5 has {@code new Column(expr)}
 * and {@code column.expr()}; Spark 4 removed both from Column (its Column wraps a ColumnNode) and offers
 * {@code org.apache.spark.sql.classic.ExpressionUtils.column} and {@code .expression} instead. One jar serves both
 * lines, so the choice is made when this class loads.
 */
final class ColumnExpressions {
    private static final Method SPARK4_COLUMN = spark4("column", Expression.class);
    private static final Method SPARK4_EXPRESSION = spark4("expression", Column.class);

    private ColumnExpressions() { }

    static Column column(Expression expression) {
        try {
            return SPARK4_COLUMN != null ? (Column) SPARK4_COLUMN.invoke(null, expression)
                    : Column.class.getConstructor(Expression.class).newInstance(expression);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Spark version offers no Column for a Catalyst expression", unwrap(e));
        }
    }

    static Expression expression(Column column) {
        try {
            return SPARK4_EXPRESSION != null ? (Expression) SPARK4_EXPRESSION.invoke(null, column)
                    : (Expression) Column.class.getMethod("expr").invoke(column);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Spark version offers no Catalyst expression of a Column", unwrap(e));
        }
    }

    private static Method spark4(String name, Class<?> parameter) {
        try {
            return Class.forName("org.apache.spark.sql.classic.ExpressionUtils").getMethod(name, parameter);
        } catch (ReflectiveOperationException e) {
            return null; // Spark 3.5
        }
    }

    private static Throwable unwrap(ReflectiveOperationException e) {
        return e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
    }
}
