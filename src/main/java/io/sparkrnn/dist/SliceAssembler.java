package io.sparkrnn.dist;

/**
 * The driver's side of the aggregation: copies each slice's sums into the whole update and moment vectors as the
 * slices arrive (in any order), keeps slice 0's statistics, and checks that every slice summed the same replicas.
 * It holds one update and one moment vector, whatever the number of replicas.
 */
final class SliceAssembler {
    private final SliceLayout deltas;
    private final SliceLayout moments;
    private final int[] replicasPerSlice;
    private final boolean[] arrived;
    private float[] deltaSum;
    private float[] momentSum;
    private ReplicaResult statistics;

    SliceAssembler(SliceLayout deltas, SliceLayout moments) {
        this.deltas = deltas;
        this.moments = moments;
        this.replicasPerSlice = new int[deltas.slices()];
        this.arrived = new boolean[deltas.slices()];
    }

    synchronized void add(SummedSlice slice) {
        if (arrived[slice.slice]) {
            throw new IllegalStateException("slice " + slice.slice + " arrived twice");
        }
        arrived[slice.slice] = true;
        replicasPerSlice[slice.slice] = slice.replicas;
        if (slice.delta != null) {
            deltaSum = place(deltaSum, slice.delta, deltas, slice.slice);
        }
        if (slice.moments != null) {
            momentSum = place(momentSum, slice.moments, moments, slice.slice);
        }
        if (slice.statistics != null) {
            statistics = slice.statistics;
        }
    }

    /** The round's sum over replicas, as an in-order fold of whole replica results would have given it. */
    synchronized ReplicaResult result() {
        for (int s = 0; s < arrived.length; s++) {
            if (!arrived[s]) {
                throw new IllegalStateException("slice " + s + " of " + arrived.length + " did not arrive");
            }
            if (statistics != null && replicasPerSlice[s] != statistics.replicas) {
                throw new IllegalStateException("slice " + s + " summed " + replicasPerSlice[s] + " replicas, the "
                        + "statistics count " + statistics.replicas + " finite ones");
            }
        }
        if (statistics == null) {
            throw new IllegalStateException("no replica statistics arrived with slice 0");
        }
        statistics.deltaSum = deltaSum;
        statistics.updaterStateSum = momentSum;
        return statistics;
    }

    private static float[] place(float[] whole, float[] part, SliceLayout layout, int slice) {
        float[] target = whole != null ? whole : new float[(int) layout.length()];
        if (part.length != layout.length(slice)) {
            throw new IllegalStateException("slice " + slice + " has " + part.length + " values, expected "
                    + layout.length(slice));
        }
        System.arraycopy(part, 0, target, layout.start(slice), part.length);
        return target;
    }
}
