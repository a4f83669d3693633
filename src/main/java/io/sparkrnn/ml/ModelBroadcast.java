package io.sparkrnn.ml;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;

/**
 * A scoring model's broadcast, made the first time a Spark context needs it and reused by every later transform
 * or SQL function call on that context: the parameters travel to each executor once, not once per task or row.
 */
final class ModelBroadcast implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ScoringModel model;
    private transient SparkContext context;
    private transient Broadcast<ScoringModel> broadcast;

    ModelBroadcast(ScoringModel model) {
        this.model = model;
    }

    ScoringModel model() { return model; }

    synchronized Broadcast<ScoringModel> on(SparkContext sc) {
        if (broadcast == null || context != sc || sc.isStopped()) {
            broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(model);
            context = sc;
        }
        return broadcast;
    }
}
