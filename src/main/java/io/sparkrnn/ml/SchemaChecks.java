package io.sparkrnn.ml;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/** The schema errors of the model and the estimator, each naming the column, what is wrong and the fix. */
final class SchemaChecks {
    private SchemaChecks() { }

    /** The column must exist and hold strings; {@code setter} is the method that picks another column. */
    static void requireString(StructType schema, String column, String setter) {
        DataType type = require(schema, column, setter).dataType();
        if (!type.equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column '" + column + "' has type " + type.simpleString()
                    + ", but spark-rnn reads text (string); cast it (col(\"" + column + "\").cast(\"string\")) or "
                    + "choose another column with " + setter);
        }
    }

    static StructField require(StructType schema, String column, String setter) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("column '" + column + "' does not exist; the dataset has columns "
                    + Arrays.toString(schema.fieldNames()) + ". Choose one with " + setter);
        }
        return schema.apply(column);
    }

    /** An output column must not overwrite an input column. */
    static StructType append(StructType schema, StructField[] added) {
        StructType out = schema;
        for (StructField field : added) {
            if (Arrays.asList(out.fieldNames()).contains(field.name())) {
                throw new IllegalArgumentException("output column '" + field.name() + "' already exists in the "
                        + "dataset; rename it, or give the output another name (the set...Col methods)");
            }
            out = out.add(field);
        }
        return out;
    }
}
