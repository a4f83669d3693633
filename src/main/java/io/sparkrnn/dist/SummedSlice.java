package io.sparkrnn.dist;

import java.io.Serializable;

/** What the aggregation sends to the driver for one slice: the replicas' sums over it, in float32. */
final class SummedSlice implements Serializable {
    private static final long serialVersionUID = 1L;

    final int slice;
    /** Sum of the finite replicas' update values over the slice; null when no replica was finite. */
    final float[] delta;
    /** Sum of their moments over the slice; null when the round does not ship them. */
    final float[] moments;
    /** Replicas whose values were added, for the driver to check against the statistics. */
    final int replicas;
    /** Slice 0 only: every replica's statistics folded in replica order; null elsewhere. */
    final ReplicaResult statistics;

    SummedSlice(int slice, float[] delta, float[] moments, int replicas, ReplicaResult statistics) {
        this.slice = slice;
        this.delta = delta;
        this.moments = moments;
        this.replicas = replicas;
        this.statistics = statistics;
    }
}
