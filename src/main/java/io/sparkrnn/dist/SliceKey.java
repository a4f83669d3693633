package io.sparkrnn.dist;

import java.io.Serializable;
import java.util.Comparator;

/**
 * The shuffle key of one replica's piece of one slice. The partitioner sends it to its slice's reduce task, and the
 * shuffle sorts each slice's pieces by replica, so the reduce side adds them in replica order.
 */
final class SliceKey implements Serializable {
    private static final long serialVersionUID = 1L;

    /** By slice, then by replica: the order the reduce side must see (a Spark key ordering, hence Serializable). */
    static final Comparator<SliceKey> ORDER = new ByReplica();

    final int slice;
    final int replica;

    SliceKey(int slice, int replica) {
        this.slice = slice;
        this.replica = replica;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SliceKey && ((SliceKey) o).slice == slice && ((SliceKey) o).replica == replica;
    }

    @Override
    public int hashCode() { return 31 * slice + replica; }

    @Override
    public String toString() { return "slice " + slice + " of replica " + replica; }

    private static final class ByReplica implements Comparator<SliceKey>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(SliceKey a, SliceKey b) {
            int bySlice = Integer.compare(a.slice, b.slice);
            return bySlice != 0 ? bySlice : Integer.compare(a.replica, b.replica);
        }
    }
}
