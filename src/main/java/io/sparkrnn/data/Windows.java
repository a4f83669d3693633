package io.sparkrnn.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Token windows of {@code seqLength + 1} ids: the model reads the first {@code seqLength} and predicts
 * each next one. Consecutive windows of a block overlap by one token so no target is lost.
 */
public final class Windows {
    private Windows() { }

    public static List<int[]> of(int[] tokens, int seqLength) {
        List<int[]> windows = new ArrayList<>();
        for (int start = 0; start + seqLength < tokens.length; start += seqLength) {
            int[] window = new int[seqLength + 1];
            System.arraycopy(tokens, start, window, 0, seqLength + 1);
            windows.add(window);
        }
        return windows;
    }

    public static int count(int tokens, int seqLength) {
        return tokens <= seqLength ? 0 : (tokens - 1) / seqLength;
    }
}
