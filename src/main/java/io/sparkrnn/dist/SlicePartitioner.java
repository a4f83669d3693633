package io.sparkrnn.dist;

import org.apache.spark.Partitioner;

/** Reduce task s receives slice s of every replica. */
final class SlicePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int slices;

    SlicePartitioner(int slices) {
        this.slices = slices;
    }

    @Override
    public int numPartitions() { return slices; }

    @Override
    public int getPartition(Object key) { return ((SliceKey) key).slice; }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlicePartitioner && ((SlicePartitioner) o).slices == slices;
    }

    @Override
    public int hashCode() { return slices; }
}
