package io.sparkrnn.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading 'label<TAB>text' lines: lines from pieces, parsing, the label set and the example encoding. */
class ClassificationDataTest {

    private static List<String> lines(int maxChars, String... pieces) {
        List<String> out = new ArrayList<>();
        new PieceLines(List.of(pieces).iterator(), maxChars).forEachRemaining(out::add);
        return out;
    }

    @Test
    void piecesBecomeLinesWhateverWhereTheyAreCut() {
        assertEquals(List.of("a\tone", "b\ttwo", "c\tthree"), lines(100, "a\tone\nb\t", "tw", "o\nc\tthree\n"));
        assertEquals(List.of("last", ""), lines(100, "last\n", "\n"));
        assertEquals(List.of("no line end"), lines(100, "no line end"));
        assertEquals(List.of(), lines(100));
        // Long lines keep their beginning only, and the next line is still found.
        assertEquals(List.of("abcd", "xy"), lines(4, "abcdefgh", "ijk\nxy\n"));
    }

    @Test
    void aLineIsALabelATabAndAText() {
        LabeledLine ok = LabeledLine.parse("pos\tterribly exciting\r", 100, "f.tsv");
        assertTrue(ok.isValid());
        assertEquals("pos", ok.label());
        assertEquals("terribly exciting", ok.text());
        assertEquals("pos\tterribly exciting", ok.splitKey());
        assertEquals("terr", LabeledLine.parse("pos\tterribly", 4, "f.tsv").text());
        // Cut by code points: an emoji is never split in two.
        assertEquals("a\uD83D\uDE00", LabeledLine.parse("x\ta\uD83D\uDE00b", 2, "f.tsv").text());

        LabeledLine noTab = LabeledLine.parse("just text", 100, "f.tsv");
        assertFalse(noTab.isValid());
        assertEquals("f.tsv: no TAB between label and text in \"just text\"", noTab.describe());
        assertEquals("empty label", LabeledLine.parse(" \ttext", 100, "f.tsv").problem());
        assertEquals("empty text", LabeledLine.parse("pos\t", 100, "f.tsv").problem());
        assertNull(LabeledLine.parse("pos\t", 100, "f.tsv").label());
    }

    @Test
    void labelsAreSortedDistinctAndSurviveJson() throws IOException {
        Labels labels = Labels.of(List.of("neg", "pos", "neg", "neutral"));
        assertEquals(List.of("neg", "neutral", "pos"), labels.names());
        assertEquals(2, labels.id("pos"));
        assertEquals(-1, labels.id("other"));
        assertEquals(labels, Labels.fromJson(labels.toJson()));
        assertThrows(IOException.class, () -> Labels.fromJson("{\"format\":1,\"labels\":[\"b\",\"a\"]}"));
        assertThrows(IOException.class, () -> Labels.fromJson("{\"codePoints\":[]}"));
    }

    @Test
    void anExampleIsAPaddedWindowWithItsLabelAndLength() {
        int[] window = ExampleWindows.encode(2, new int[] {5, 6, 7}, 5);
        assertArrayEquals(new int[] {2, 3, 5, 6, 7, 0, 0}, window);
        WindowShard shard = WindowShard.pack(List.of(window, ExampleWindows.encode(0, new int[] {9}, 5)),
                ExampleWindows.windowLength(5));
        assertEquals(5, ExampleWindows.seqLength(shard));
        assertEquals(0, ExampleWindows.label(shard, 1));
        assertEquals(1, ExampleWindows.length(shard, 1));
        assertEquals(7, ExampleWindows.token(shard, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> ExampleWindows.encode(0, new int[0], 5));
        assertThrows(IllegalArgumentException.class, () -> ExampleWindows.encode(0, new int[6], 5));
    }
}
