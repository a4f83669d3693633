package io.sparkrnn.dist;

import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.data.MinibatchSchedule;
import io.sparkrnn.data.WindowShard;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.BatchTensors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code train.engine = dl4j}: the same model and the same minibatches, trained by DL4J's own
 * ParameterAveragingTrainingMaster with its default data handling (export, repartition), for comparison.
 * DL4J has no global-norm clipping, so none is applied; the rest of the run (evaluation, checkpoint) is ours.
 * Built only with the Maven profile dl4j-spark (this source folder); {@link Dl4jComparison} loads it.
 */
final class Dl4jEngine implements AllRoundsEngine {
    Dl4jEngine() { }

    /**
     * Trains the remaining rounds in one DL4J fit and reports them as one outcome (DL4J gives no per-round
     * results); the master state then holds DL4J's parameters and averaged updater state.
     */
    @Override
    public RoundOutcome runAllRounds(JavaSparkContext sc, ComputationGraph graph, ModelSpec spec,
                                     JavaRDD<WindowShard> shards, TrainSettings settings, int replicas,
                                     MasterState state, int rounds) {
        PhaseTimes phases = new PhaseTimes();
        int remaining = rounds - state.round();
        graph.setParams(state.params());
        // DL4J trains, schedules and averages all remaining rounds in one fit: all of it is replica work here.
        Fit fit = phases.time("replica compute", () -> train(sc, graph, spec, shards, settings, replicas, remaining));
        state.params().assign(graph.params());
        ReplicaResult sum = new ReplicaResult();
        sum.tokens = fit.examples * settings.seqLength;
        sum.replicas = replicas;
        // DL4J reports the mean minibatch score (loss summed over time steps) of its last averaging split.
        sum.lossSum = fit.lastScore / settings.seqLength * sum.tokens;
        for (int round = 0; round < remaining; round++) {
            state.completeRound(graph.getUpdater().getStateViewArray() == null ? state.updaterState()
                    : graph.getUpdater().getStateViewArray().dup(), settings.localSteps);
        }
        return new RoundOutcome(state.round(), sum, Double.NaN, Double.NaN, phases, spec.updater().learningRate());
    }

    /** Trains {@code graph} in place for {@code rounds} rounds of K steps per replica. */
    static Fit train(JavaSparkContext sc, ComputationGraph graph, ModelSpec spec, JavaRDD<WindowShard> shards,
                      TrainSettings settings, int replicas, int rounds) {
        long steps = (long) rounds * settings.localSteps;
        JavaRDD<DataSet> minibatches = shards.mapPartitionsWithIndex((partition, it) -> {
            WindowShard shard = it.next();
            MinibatchSchedule schedule = new MinibatchSchedule(settings.seed, partition, shard.size(), settings.batchSize);
            List<DataSet> batches = new ArrayList<>();
            for (long step = 0; step < steps; step++) {
                MultiDataSet tensors = BatchTensors.of(MiniBatch.fromWindows(shard, schedule.windowsOf(step)), spec.vocabSize());
                batches.add(new DataSet(tensors.getFeatures(0), tensors.getLabels(0)));
            }
            return batches.iterator();
        }, true);
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(replicas, settings.batchSize)
                .batchSizePerWorker(settings.batchSize)
                .averagingFrequency(settings.localSteps)
                .saveUpdater(true)
                .rngSeed(settings.seed)
                .build();
        SparkComputationGraph sparkGraph = new SparkComputationGraph(sc, graph, master);
        ComputationGraph trained = sparkGraph.fit(minibatches);
        graph.setParams(trained.params());
        if (trained.getUpdater().getStateViewArray() != null) {
            graph.getUpdater().getStateViewArray().assign(trained.getUpdater().getStateViewArray());
        }
        return new Fit(steps * replicas * settings.batchSize, sparkGraph.getScore());
    }

    /** Examples DL4J trained on, and its last reported score. */
    static final class Fit {
        final long examples;
        final double lastScore;

        Fit(long examples, double lastScore) {
            this.examples = examples;
            this.lastScore = lastScore;
        }
    }
}
