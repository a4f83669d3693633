package io.sparkrnn.dist;

import java.io.Serializable;

/**
 * How a vector of {@code length} values is cut into {@code slices} contiguous slices for the aggregation
 * shuffle: slice s holds [s * length / slices, (s + 1) * length / slices). Slices differ in length by at most one
 * value, and a vector shorter than the slice count leaves some slices empty.
 */
final class SliceLayout implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Spark writes a shuffle of at most this many partitions without sorting on the map side (bypassMergeThreshold). */
    static final int MAX_AUTOMATIC_SLICES = 200;
    /** Smaller slices would make the per-task and per-block overheads dominate (256 KB in float32). */
    static final int MIN_AUTOMATIC_SLICE_VALUES = 1 << 16;

    private final long length;
    private final int slices;

    SliceLayout(long length, int slices) {
        if (slices < 1) {
            throw new IllegalArgumentException("at least one slice, got " + slices);
        }
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a vector of " + length + " values does not fit a Java array");
        }
        this.length = length;
        this.slices = slices;
    }

    /** master.aggregationSlices = 0: one slice per replica, at most 200, each of at least 65,536 values. */
    static int automaticSlices(int replicas, long parameters) {
        long bySize = Math.max(1, parameters / MIN_AUTOMATIC_SLICE_VALUES);
        return (int) Math.max(1, Math.min(Math.min(replicas, MAX_AUTOMATIC_SLICES), bySize));
    }

    long length() { return length; }

    int slices() { return slices; }

    int start(int slice) { return (int) (slice * length / slices); }

    int end(int slice) { return start(slice + 1); }

    int length(int slice) { return end(slice) - start(slice); }

    /** The same cut for another vector (the optimizer moments are cut into as many slices as the parameters). */
    SliceLayout sameSlicesFor(long otherLength) {
        return new SliceLayout(otherLength, slices);
    }
}
