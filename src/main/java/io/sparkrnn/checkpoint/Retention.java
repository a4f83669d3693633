package io.sparkrnn.checkpoint;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which complete checkpoints survive: the newest {@code keep} by round, the one with the lowest known
 * validation loss (so early stopping can still reach it), and the one LATEST names. A pure function,
 * so the rule is tested without a file system.
 */
final class Retention {
    private Retention() {
    }

    /** One complete checkpoint as retention sees it. */
    record Candidate(long round, double validationLoss) {
    }

    static Set<Long> roundsToKeep(List<Candidate> complete, int keep, long latestRound) {
        Set<Long> kept = new TreeSet<>();
        complete.stream()
                .map(Candidate::round)
                .sorted(Comparator.reverseOrder())
                .limit(keep)
                .forEach(kept::add);
        // Lowest non-NaN loss; on a tie the newer checkpoint (more training for the same loss).
        complete.stream()
                .filter(c -> !Double.isNaN(c.validationLoss()))
                .min(Comparator.comparingDouble(Candidate::validationLoss)
                        .thenComparing(Comparator.comparingLong(Candidate::round).reversed()))
                .ifPresent(best -> kept.add(best.round()));
        kept.add(latestRound);
        return kept;
    }
}
