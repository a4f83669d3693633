package io.sparkrnn.dist;

/** Fires every {@code every} rounds and at the last round: when to evaluate, and when to checkpoint. */
final class RoundTrigger {
    private final int every;
    private final int lastRound;

    RoundTrigger(int every, int lastRound) {
        this.every = every;
        this.lastRound = lastRound;
    }

    boolean firesAt(int round) {
        return round % every == 0 || round == lastRound;
    }
}
