package io.sparkrnn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionTest {
    private static Retention.Candidate c(long round, double loss) {
        return new Retention.Candidate(round, loss);
    }

    @Test
    void keepsNewestPlusBestPlusLatest() {
        List<Retention.Candidate> all = List.of(c(1, 3.0), c(2, 1.5), c(3, 2.0), c(4, Double.NaN), c(5, 2.5));
        assertEquals(Set.of(2L, 4L, 5L), Retention.roundsToKeep(all, 2, 5));
        // LATEST may name an older round (a run resumed from an earlier checkpoint): never delete it.
        assertEquals(Set.of(1L, 2L, 4L, 5L), Retention.roundsToKeep(all, 2, 1));
    }

    @Test
    void unknownLossesNeverWinAndTiesGoToTheNewer() {
        assertEquals(Set.of(3L), Retention.roundsToKeep(List.of(c(1, Double.NaN), c(2, Double.NaN), c(3, Double.NaN)), 1, 3));
        assertEquals(Set.of(2L, 4L), Retention.roundsToKeep(List.of(c(1, 1.0), c(2, 1.0), c(3, 2.0), c(4, 2.0)), 1, 4));
    }

    @Test
    void layoutNames() {
        assertEquals("ckpt-00000042", CheckpointLayout.folderName(42));
        assertEquals("ckpt-123456789", CheckpointLayout.folderName(123456789));
        assertEquals(42L, CheckpointLayout.roundOf("ckpt-00000042").getAsLong());
        assertEquals(true, CheckpointLayout.roundOf("ckpt-42").isEmpty());
        String temp = CheckpointLayout.tempFolderName(7);
        assertEquals(7L, CheckpointLayout.tempRoundOf(temp).getAsLong());
        assertEquals(true, CheckpointLayout.roundOf(temp).isEmpty());
        assertEquals(7L, CheckpointLayout.tempRoundOf(CheckpointLayout.retiredFolderName(7)).getAsLong());
    }
}
