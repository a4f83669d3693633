package io.sparkrnn.data;

/**
 * A classification example stored as one fixed-length window of a {@link WindowShard}, so shards, minibatch
 * schedules and evaluation batches work for both tasks: {@code [label id, text length, text ids..., 0 padding]},
 * {@code seqLength + 2} ints.
 */
public final class ExampleWindows {
    private static final int LABEL = 0;
    private static final int LENGTH = 1;
    private static final int TEXT = 2;

    private ExampleWindows() { }

    public static int windowLength(int seqLength) { return seqLength + TEXT; }

    /** @param textIds at most {@code seqLength} ids and at least one */
    public static int[] encode(int labelId, int[] textIds, int seqLength) {
        if (textIds.length < 1 || textIds.length > seqLength) {
            throw new IllegalArgumentException("text of " + textIds.length + " ids, expected 1 to " + seqLength);
        }
        int[] window = new int[windowLength(seqLength)];
        window[LABEL] = labelId;
        window[LENGTH] = textIds.length;
        System.arraycopy(textIds, 0, window, TEXT, textIds.length);
        return window;
    }

    public static int label(WindowShard shard, int example) { return shard.token(example, LABEL); }

    public static int length(WindowShard shard, int example) { return shard.token(example, LENGTH); }

    /** Text id at {@code step}; 0 past the text's end. */
    public static int token(WindowShard shard, int example, int step) { return shard.token(example, TEXT + step); }

    public static int seqLength(WindowShard shard) { return shard.windowLength() - TEXT; }
}
