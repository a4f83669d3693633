package io.sparkrnn.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataTest {

    @Test
    void vocabularyIsOrderedByCodePointWithUnkFirst() throws IOException {
        Vocabulary vocabulary = Vocabulary.fromCounts(Map.of((int) 'b', 5L, (int) 'a', 2L, (int) '\n', 9L, (int) 'z', 1L), 2);
        assertEquals(4, vocabulary.size());
        assertEquals("<unk>", vocabulary.symbol(0));
        assertEquals("\n", vocabulary.symbol(1));
        assertEquals("a", vocabulary.symbol(2));
        assertEquals("b", vocabulary.symbol(3));
        assertArrayEquals(new int[] {2, 3, 0, 1}, vocabulary.encode("abz\n"));
        Vocabulary reloaded = Vocabulary.fromJson(vocabulary.toJson());
        assertEquals(vocabulary, reloaded);
        assertEquals(vocabulary.fingerprint(), reloaded.fingerprint());
        assertNotEquals(vocabulary.fingerprint(), Vocabulary.of("ab").fingerprint());
    }

    @Test
    void blocksJoinPiecesAndHaveTheRequestedSize() {
        List<String> blocks = TextBlocks.cut(List.of("hello\n", "wor", "ld\n", "\n", "x\n").iterator(), 4);
        assertEquals(List.of("hell", "o\nwo", "rld\n", "\nx\n"), blocks);
        assertEquals("hello\nworld\n\nx\n", String.join("", blocks));
    }

    @Test
    void blocksNeverSplitASurrogatePair() {
        String whale = "\uD83D\uDC33";
        List<String> blocks = TextBlocks.cut(List.of("abc" + whale + "d\n").iterator(), 4);
        assertEquals(List.of("abc", whale + "d\n"), blocks);
    }

    @Test
    void windowsOverlapByOneTokenAndLoseNoTarget() {
        List<int[]> windows = Windows.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 3);
        assertEquals(2, windows.size());
        assertArrayEquals(new int[] {1, 2, 3, 4}, windows.get(0));
        assertArrayEquals(new int[] {4, 5, 6, 7}, windows.get(1));
        assertEquals(2, Windows.count(8, 3));
        assertEquals(0, Windows.count(3, 3));
    }

    @Test
    void heldOutSplitIsDeterministicAndNearTheFraction() {
        HeldOutSplit split = new HeldOutSplit(7, 0.1);
        int heldOut = 0;
        for (int i = 0; i < 20000; i++) {
            String block = "block number " + i;
            boolean first = split.isHeldOut(block);
            assertEquals(first, new HeldOutSplit(7, 0.1).isHeldOut(block));
            heldOut += first ? 1 : 0;
        }
        // Binomial(20000, 0.1): standard deviation 42, so +-200 is a 4.7-sigma band.
        assertTrue(Math.abs(heldOut - 2000) < 200, "held out " + heldOut + " of 20000");
        int differs = 0;
        for (int i = 0; i < 1000; i++) {
            differs += split.isHeldOut("b" + i) != new HeldOutSplit(8, 0.1).isHeldOut("b" + i) ? 1 : 0;
        }
        assertTrue(differs > 100, "another seed should give another split, differs in " + differs);
    }

    @Test
    void scheduleVisitsEveryWindowOncePerEpochAndIsAPureFunctionOfStep() {
        MinibatchSchedule schedule = new MinibatchSchedule(3, 1, 10, 4);
        Set<Integer> firstEpoch = new HashSet<>();
        int[] step0 = schedule.windowsOf(0);
        int[] step1 = schedule.windowsOf(1);
        int[] step2 = schedule.windowsOf(2); // positions 8..11: two of epoch 0, two of epoch 1
        for (int w : step0) { firstEpoch.add(w); }
        for (int w : step1) { firstEpoch.add(w); }
        firstEpoch.add(step2[0]);
        firstEpoch.add(step2[1]);
        assertEquals(10, firstEpoch.size());
        assertArrayEquals(step1, new MinibatchSchedule(3, 1, 10, 4).windowsOf(1));
        assertEquals(1.2, schedule.epochAt(3), 1e-12);
        int[] otherPartition = new MinibatchSchedule(3, 2, 10, 4).windowsOf(0);
        assertTrue(!java.util.Arrays.equals(step0, otherPartition) || !java.util.Arrays.equals(step1,
                new MinibatchSchedule(3, 2, 10, 4).windowsOf(1)), "partitions should draw different orders");
    }

    @Test
    void minibatchTargetsAreTheNextTokens() {
        WindowShard shard = WindowShard.pack(List.of(new int[] {1, 2, 3}, new int[] {4, 5, 6}), 3);
        MiniBatch batch = MiniBatch.fromWindows(shard, new int[] {1, 0});
        assertEquals(4, batch.input(0, 0));
        assertEquals(5, batch.target(0, 0));
        assertEquals(6, batch.target(0, 1));
        assertEquals(2, batch.input(1, 1));
        assertEquals(4, batch.tokens());
    }
}
