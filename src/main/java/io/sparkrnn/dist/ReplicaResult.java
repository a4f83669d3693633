package io.sparkrnn.dist;

import io.sparkrnn.metrics.ReplicaAccumulators;

import java.io.Serializable;

/**
 * The sum over replicas of what they did in one round. Replicas whose loss or update went non-finite are
 * counted but contribute nothing else, so one bad replica cannot poison the average.
 */
final class ReplicaResult implements Serializable {
    private static final long serialVersionUID = 1L;

    float[] deltaSum;
    float[] updaterStateSum;
    double lossSum;
    long tokens;
    long examples;
    long steps;
    double gradNormSum;
    double gradNormMax;
    long clippedSteps;
    int replicas;
    int nonFiniteReplicas;
    double maxEpoch;
    double computeSeconds;
    /** Replicas that started from the last synchronised moments because their own were not on their executor. */
    int momentFallbacks;

    static ReplicaResult empty() { return new ReplicaResult(); }

    static ReplicaResult nonFinite() {
        ReplicaResult result = new ReplicaResult();
        result.nonFiniteReplicas = 1;
        return result;
    }

    /** Adds {@code other} into this result and returns it (the order of additions is fixed by the caller). */
    ReplicaResult add(ReplicaResult other) {
        deltaSum = addInto(deltaSum, other.deltaSum);
        updaterStateSum = addInto(updaterStateSum, other.updaterStateSum);
        return addStatistics(other);
    }

    /** A copy of everything but the arrays: what travels with a replica's first slice. */
    ReplicaResult statistics() {
        return new ReplicaResult().addStatistics(this);
    }

    private ReplicaResult addStatistics(ReplicaResult other) {
        lossSum += other.lossSum;
        tokens += other.tokens;
        examples += other.examples;
        steps += other.steps;
        gradNormSum += other.gradNormSum;
        gradNormMax = Math.max(gradNormMax, other.gradNormMax);
        clippedSteps += other.clippedSteps;
        replicas += other.replicas;
        nonFiniteReplicas += other.nonFiniteReplicas;
        maxEpoch = Math.max(maxEpoch, other.maxEpoch);
        computeSeconds = Math.max(computeSeconds, other.computeSeconds);
        momentFallbacks += other.momentFallbacks;
        return this;
    }

    /**
     * Adds this result to the Spark UI's accumulators; a non-finite replica counts as {@code localSteps}
     * skipped steps and nothing else, as it counts in the round's metrics.
     */
    void reportTo(ReplicaAccumulators accumulators, int localSteps) {
        accumulators.tokens().add(tokens);
        accumulators.lossSum().add(lossSum);
        accumulators.examples().add(examples);
        accumulators.gradNormSum().add(gradNormSum);
        if (steps > 0) {
            accumulators.gradNormMax().add(gradNormMax);
        }
        accumulators.clippedSteps().add(clippedSteps);
        accumulators.nonFiniteSteps().add((long) nonFiniteReplicas * localSteps);
    }

    private static float[] addInto(float[] target, float[] source) {
        if (source == null) {
            return target;
        }
        if (target == null) {
            return source.clone();
        }
        for (int i = 0; i < target.length; i++) {
            target[i] += source[i];
        }
        return target;
    }
}
