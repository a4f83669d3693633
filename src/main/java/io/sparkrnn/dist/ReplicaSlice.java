package io.sparkrnn.dist;

import java.io.Serializable;

/**
 * One replica's piece of one slice, as it travels through the aggregation shuffle: its update values in the round's
 * {@link DeltaCodec}, its optimizer moments in float32 when the round ships them, and, in slice 0 only, its
 * statistics. A replica whose update went non-finite sends only its statistics.
 */
final class ReplicaSlice implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Loss, tokens, clipping... without the arrays; null except in slice 0. */
    final ReplicaResult statistics;
    /** Null for a non-finite replica. */
    final byte[] delta;
    /** Null when the round does not ship the moments, or the replica is non-finite. */
    final byte[] moments;

    ReplicaSlice(ReplicaResult statistics, byte[] delta, byte[] moments) {
        this.statistics = statistics;
        this.delta = delta;
        this.moments = moments;
    }
}
