package io.sparkrnn.dist;

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
    long steps;
    double gradNormSum;
    double gradNormMax;
    long clippedSteps;
    int replicas;
    int nonFiniteReplicas;
    double maxEpoch;
    double computeSeconds;

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
        lossSum += other.lossSum;
        tokens += other.tokens;
        steps += other.steps;
        gradNormSum += other.gradNormSum;
        gradNormMax = Math.max(gradNormMax, other.gradNormMax);
        clippedSteps += other.clippedSteps;
        replicas += other.replicas;
        nonFiniteReplicas += other.nonFiniteReplicas;
        maxEpoch = Math.max(maxEpoch, other.maxEpoch);
        computeSeconds = Math.max(computeSeconds, other.computeSeconds);
        return this;
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
