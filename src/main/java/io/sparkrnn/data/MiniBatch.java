package io.sparkrnn.data;

/** {@code size} windows of {@code seqLength} inputs, each input's target being the next token. Row-major. */
public final class MiniBatch {
    private final int size;
    private final int seqLength;
    private final int[] inputs;
    private final int[] targets;

    public MiniBatch(int size, int seqLength, int[] inputs, int[] targets) {
        if (inputs.length != size * seqLength || targets.length != size * seqLength) {
            throw new IllegalArgumentException("expected " + size * seqLength + " inputs and targets, got "
                    + inputs.length + " and " + targets.length);
        }
        this.size = size;
        this.seqLength = seqLength;
        this.inputs = inputs;
        this.targets = targets;
    }

    public static MiniBatch fromWindows(WindowShard shard, int[] windowIndices) {
        int seqLength = shard.windowLength() - 1;
        int[] inputs = new int[windowIndices.length * seqLength];
        int[] targets = new int[windowIndices.length * seqLength];
        for (int row = 0; row < windowIndices.length; row++) {
            for (int t = 0; t < seqLength; t++) {
                inputs[row * seqLength + t] = shard.token(windowIndices[row], t);
                targets[row * seqLength + t] = shard.token(windowIndices[row], t + 1);
            }
        }
        return new MiniBatch(windowIndices.length, seqLength, inputs, targets);
    }

    public int size() { return size; }
    public int seqLength() { return seqLength; }
    public int tokens() { return size * seqLength; }
    public int input(int row, int t) { return inputs[row * seqLength + t]; }
    public int target(int row, int t) { return targets[row * seqLength + t]; }
}
