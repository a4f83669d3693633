package io.sparkrnn.dist;

import org.apache.spark.Partitioner;

/** Window i goes to replica i mod R: every replica gets the same number of windows, give or take one. */
final class ModuloPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    ModuloPartitioner(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() { return partitions; }

    @Override
    public int getPartition(Object key) {
        return (int) Math.floorMod((Long) key, (long) partitions);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModuloPartitioner && ((ModuloPartitioner) other).partitions == partitions;
    }

    @Override
    public int hashCode() { return partitions; }
}
