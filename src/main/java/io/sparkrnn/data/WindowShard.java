package io.sparkrnn.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One replica's training windows, packed into a single array: one object per Spark partition keeps the
 * persisted data compact and makes a minibatch a few array copies.
 */
public final class WindowShard implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int windowLength;
    private final int[] tokens;

    public WindowShard(int windowLength, int[] tokens) {
        if (windowLength < 2 || tokens.length % windowLength != 0) {
            throw new IllegalArgumentException("tokens (" + tokens.length + ") must hold whole windows of " + windowLength);
        }
        this.windowLength = windowLength;
        this.tokens = tokens;
    }

    public static WindowShard pack(List<int[]> windows, int windowLength) {
        int[] tokens = new int[windows.size() * windowLength];
        for (int i = 0; i < windows.size(); i++) {
            int[] window = windows.get(i);
            if (window.length != windowLength) {
                throw new IllegalArgumentException("window " + i + " has " + window.length + " tokens, expected " + windowLength);
            }
            System.arraycopy(window, 0, tokens, i * windowLength, windowLength);
        }
        return new WindowShard(windowLength, tokens);
    }

    public int size() { return tokens.length / windowLength; }

    public int windowLength() { return windowLength; }

    /** Copies window {@code index} into {@code target} at {@code offset}. */
    public void copyWindow(int index, int[] target, int offset) {
        System.arraycopy(tokens, index * windowLength, target, offset, windowLength);
    }

    public int token(int window, int position) {
        return tokens[window * windowLength + position];
    }

    /** The window indices in order, in chunks of at most {@code batchSize}: how evaluation walks a shard. */
    public List<int[]> inOrderBatches(int batchSize) {
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < size(); start += batchSize) {
            batches.add(IntStream.range(start, Math.min(start + batchSize, size())).toArray());
        }
        return batches;
    }
}
