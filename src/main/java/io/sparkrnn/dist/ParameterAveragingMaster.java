package io.sparkrnn.dist;

import io.sparkrnn.data.WindowShard;
import io.sparkrnn.metrics.ReplicaAccumulators;
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
 * broadcast the state, let every partition's task train a replica, sum the results slice by slice through the
 * shuffle in replica order ({@link SlicedAggregation}), average, clip the average by its global norm, apply it with
 * the outer optimizer, destroy the broadcast and the shuffle. Where each replica's optimizer moments live between
 * rounds is the {@link MomentsPolicy}'s business.
 */
public final class ParameterAveragingMaster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingMaster.class);

    private final JavaSparkContext sc;
    private final RunTask task;
    private final ModelSpec spec;
    private final TrainSettings settings;
    private final OuterOptimizer outer;
    private final double maxUpdateNorm;
    private final MomentsPolicy moments;
    private final ReplicaAccumulators accumulators;
    private final SlicedAggregation aggregation;

    ParameterAveragingMaster(JavaSparkContext sc, RunTask task, ModelSpec spec, TrainSettings settings,
                             OuterOptimizer outer, double maxUpdateNorm, AggregationPlan plan, MomentsPolicy moments) {
        this.sc = sc;
        this.task = task;
        this.spec = spec;
        this.settings = settings;
        this.outer = outer;
        this.maxUpdateNorm = maxUpdateNorm;
        this.moments = moments;
        this.accumulators = ReplicaAccumulators.register(sc.sc());
        this.aggregation = new SlicedAggregation(sc, plan, accumulators);
    }

    /**
     * Trains one round of {@code localSteps} local steps at the given replica learning rate. A round in which no replica returned a finite update
     * (or whose average is not finite) leaves the state untouched and reports zero replicas, so the caller can
     * retry it from the same parameters.
     */
    RoundOutcome runRound(MasterState state, JavaRDD<WindowShard> shards, double learningRate, int localSteps) {
        PhaseTimes phases = new PhaseTimes();
        int round = state.round() + 1;
        RoundInput roundInput = phases.time("broadcast", () -> new RoundInput(round, state.steps(),
                state.params().toFloatVector(), moments.broadcastMoments(state), learningRate, localSteps));
        Broadcast<RoundInput> input = phases.time("broadcast", () -> sc.broadcast(roundInput));
        SlicedAggregation.Round replicas = aggregation.round(shards,
                new ReplicaTask(input, moments.forRound(round), task, spec, settings), round, localSteps);
        ReplicaResult sum;
        try {
            accumulators.reset();
            phases.time("replica compute", replicas::train);
            sum = phases.time("aggregation", replicas::sum);
        } finally { // also when a job fails: a notebook's SparkContext outlives the run
            phases.time("cleanup", () -> {
                input.destroy();
                replicas.clean();
            });
        }
        long broadcastBytes = 4L * (roundInput.params.length + roundInput.updaterState.length);

        if (sum.replicas > 0 && !allFinite(sum.deltaSum)) {
            LOG.warn("round {}: the sum of {} replica updates overflowed; treating the round as non-finite", round, sum.replicas);
            sum.nonFiniteReplicas += sum.replicas;
            sum.replicas = 0;
        }
        if (sum.replicas == 0) {
            LOG.warn("round {}: no replica returned a finite update ({} non-finite) at learning rate {}; parameters unchanged",
                    round, sum.nonFiniteReplicas, learningRate);
            return new RoundOutcome(round, sum, Double.NaN, 0, phases, learningRate, broadcastBytes);
        }
        double[] norms = phases.time("master update", () -> applyAverage(state, sum, localSteps));
        return new RoundOutcome(round, sum, norms[0], norms[1], phases, learningRate, broadcastBytes);
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** @return the averaged update's norm before the master's clip, and the norm of the step the outer optimizer took */
    private double[] applyAverage(MasterState state, ReplicaResult sum, int localSteps) {
        INDArray u = Nd4j.createFromArray(sum.deltaSum).divi(sum.replicas);
        GlobalNormClipper.ClipResult clip = GlobalNormClipper.clip(u, maxUpdateNorm);
        double applied = outer.apply(state.params(), u);
        boolean shipped = sum.updaterStateSum != null;
        INDArray averagedState = !shipped || sum.updaterStateSum.length == 0 ? state.updaterState()
                : Nd4j.createFromArray(sum.updaterStateSum).divi(sum.replicas);
        state.completeRound(averagedState, localSteps);
        moments.afterRound(state, shipped);
        return new double[] {clip.norm(), applied};
    }

    /** Releases what lives across rounds (the shared moments of master.optimizerState = local). */
    @Override
    public void close() {
        moments.close();
    }
}
