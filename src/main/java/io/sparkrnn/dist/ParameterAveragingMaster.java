package io.sparkrnn.dist;

import io.sparkrnn.data.WindowShard;
import io.sparkrnn.metrics.ReplicaAccumulators;
import io.sparkrnn.metrics.RoundMonitor;
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
    private final RunTask task;
    private final ModelSpec spec;
    private final TrainSettings settings;
    private final OuterOptimizer outer;
    private final double maxUpdateNorm;
    private final ReplicaAccumulators accumulators;

    ParameterAveragingMaster(JavaSparkContext sc, RunTask task, ModelSpec spec, TrainSettings settings,
                             OuterOptimizer outer, double maxUpdateNorm) {
        this.sc = sc;
        this.task = task;
        this.spec = spec;
        this.settings = settings;
        this.outer = outer;
        this.maxUpdateNorm = maxUpdateNorm;
        this.accumulators = ReplicaAccumulators.register(sc.sc());
    }

    /**
     * Trains one round of {@code localSteps} local steps at the given replica learning rate. A round in which no replica returned a finite update
     * (or whose average is not finite) leaves the state untouched and reports zero replicas, so the caller can
     * retry it from the same parameters.
     */
    RoundOutcome runRound(MasterState state, JavaRDD<WindowShard> shards, double learningRate, int localSteps) {
        PhaseTimes phases = new PhaseTimes();
        int round = state.round() + 1;
        Broadcast<RoundInput> input = phases.time("broadcast", () -> sc.broadcast(new RoundInput(round, state.steps(),
                state.params().toFloatVector(), RoundInput.floats(state.updaterState()), learningRate, localSteps)));
        accumulators.reset();
        ReplicaResult sum = trainReplicas(shards, new ReplicaTask(input, task, spec, settings, accumulators), phases);
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
        double[] norms = phases.time("master update", () -> applyAverage(state, sum, localSteps));
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

    /**
     * The replica job. Its results are folded on the driver as they arrive, on Spark's scheduler thread while
     * the job still runs: that time is reported as "aggregation" and taken out of the job's wall time, so that
     * the phases still add up to the round.
     */
    private ReplicaResult trainReplicas(JavaRDD<WindowShard> shards, ReplicaTask task, PhaseTimes phases) {
        PhaseTimes folding = new PhaseTimes();
        ReplicaResult sum = phases.time("replica compute", () -> RoundMonitor.replicaPhase(sc, () ->
                InOrderAggregation.aggregate(shards, task, ReplicaResult.empty(),
                        (folded, next) -> folding.time("aggregation", () -> folded.add(next)))));
        double aggregation = folding.seconds("aggregation");
        phases.add("replica compute", -aggregation);
        phases.add("aggregation", aggregation);
        return sum;
    }

    /** @return the averaged update's norm before and after the master's clip */
    private double[] applyAverage(MasterState state, ReplicaResult sum, int localSteps) {
        INDArray u = Nd4j.createFromArray(sum.deltaSum).divi(sum.replicas);
        GlobalNormClipper.ClipResult clip = GlobalNormClipper.clip(u, maxUpdateNorm);
        outer.apply(state.params(), u);
        INDArray averagedState = sum.updaterStateSum.length == 0 ? state.updaterState()
                : Nd4j.createFromArray(sum.updaterStateSum).divi(sum.replicas);
        state.completeRound(averagedState, localSteps);
        return new double[] {clip.norm(), clip.norm() * clip.scale()};
    }
}
