package io.sparkrnn.dist;

import io.sparkrnn.data.WindowShard;
import io.sparkrnn.model.ModelSpec;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Another trainer that runs every remaining round in one go and reports them as one outcome (DL4J's own
 * ParameterAveragingTrainingMaster, {@code train.engine = dl4j}); see {@link Dl4jComparison}.
 */
interface AllRoundsEngine {
    RoundOutcome runAllRounds(JavaSparkContext sc, ComputationGraph graph, ModelSpec spec, JavaRDD<WindowShard> shards,
                              TrainSettings settings, int replicas, MasterState state, int rounds);
}
