package io.sparkrnn.dist;

import io.sparkrnn.data.WindowShard;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.GlobalNormClipper;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of parameter averaging over Spark primitives, in the manner of MLlib's runMiniBatchSGD:
 * broadcast the state, let every partition's task train a replica, fold the results in partition order,
 * average, clip the average by its global norm, apply it with the outer optimizer, destroy the broadcast.
 */
public final class ParameterAveragingMaster {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingMaster.class);

    private final JavaSparkContext sc;
    private final ModelSpec spec;
    private final TrainSettings settings;
    private final OuterOptimizer outer;
    private final double maxUpdateNorm;

    ParameterAveragingMaster(JavaSparkContext sc, ModelSpec spec, TrainSettings settings, OuterOptimizer outer,
                             double maxUpdateNorm) {
        this.sc = sc;
        this.spec = spec;
        this.settings = settings;
        this.outer = outer;
        this.maxUpdateNorm = maxUpdateNorm;
    }

    /**
     * Trains one round at the given replica learning rate. A round in which no replica returned a finite update
     * (or whose average is not finite) leaves the state untouched and reports zero replicas, so the caller can
     * retry it from the same parameters.
     */
    RoundOutcome runRound(MasterState state, JavaRDD<WindowShard> shards, double learningRate) {
        PhaseTimes phases = new PhaseTimes();
        int round = state.round() + 1;
        Broadcast<RoundInput> input = phases.time("broadcast", () -> sc.broadcast(new RoundInput(round, state.steps(),
                state.params().toFloatVector(), RoundInput.floats(state.updaterState()), learningRate)));
        ReplicaResult sum = phases.time("replicas", () -> InOrderAggregation.aggregate(shards,
                new ReplicaTask(input, spec, settings), ReplicaResult.empty(), ReplicaResult::add));
        phases.time("cleanup", () -> input.destroy());

        if (sum.replicas > 0 && !allFinite(sum.deltaSum)) {
            LOG.warn("round {}: the sum of {} replica updates overflowed; treating the round as non-finite", round, sum.replicas);
            sum.nonFiniteReplicas += sum.replicas;
            sum.replicas = 0;
        }
        if (sum.replicas == 0) {
            LOG.warn("round {}: no replica returned a finite update ({} non-finite) at learning rate {}; parameters unchanged",
                    round, sum.nonFiniteReplicas, learningRate);
            return new RoundOutcome(round, sum, Double.NaN, 0, phases, learningRate);
        }
        double[] norms = phases.time("master update", () -> applyAverage(state, sum));
        return new RoundOutcome(round, sum, norms[0], norms[1], phases, learningRate);
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** @return the averaged update's norm before and after the master's clip */
    private double[] applyAverage(MasterState state, ReplicaResult sum) {
        INDArray u = Nd4j.createFromArray(sum.deltaSum).divi(sum.replicas);
        GlobalNormClipper.ClipResult clip = GlobalNormClipper.clip(u, maxUpdateNorm);
        outer.apply(state.params(), u);
        INDArray averagedState = sum.updaterStateSum.length == 0 ? state.updaterState()
                : Nd4j.createFromArray(sum.updaterStateSum).divi(sum.replicas);
        state.completeRound(averagedState, settings.localSteps);
        return new double[] {clip.norm(), clip.norm() * clip.scale()};
    }
}
