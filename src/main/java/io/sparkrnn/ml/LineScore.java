package io.sparkrnn.ml;

/**
 * A language model's score of one line: the natural-log likelihood of its characters after the first (each
 * predicted from the characters before it) and how many characters that is (Unicode code points).
 */
public final class LineScore {
    private static final double LN2 = Math.log(2);

    private final long characters;
    private final double logLikelihood;

    LineScore(long characters, double logLikelihood) {
        this.characters = characters;
        this.logLikelihood = logLikelihood;
    }

    /** Characters predicted: the line's code points minus the first; 0 for a line of fewer than 2. */
    public long characters() { return characters; }

    /** Sum of ln p(character | the characters before it), nats; 0 when no character was predicted. */
    public double logLikelihood() { return logLikelihood; }

    /** -logLikelihood / characters / ln 2; NaN when no character was predicted. */
    public double bitsPerCharacter() {
        return characters == 0 ? Double.NaN : -logLikelihood / characters / LN2;
    }
}
