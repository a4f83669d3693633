package io.sparkrnn.metrics;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private static MetricsRow row(int round) {
        return new MetricsRow().put("round", round).put("epoch", 0.25 * round).put("trainLoss", 2.0)
                .put("trainBpc", 2.0 / Math.log(2)).put("valBpc", Double.NaN).put("gradNormMean", 1.5)
                .put("clipRate", 0.5).put("tokensPerSecond", 2500.0).put("nonFiniteReplicas", 0);
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void logsAndNotebooksGetOneLinePerRoundAndNoCarriageReturns() {
        ConsoleProgress progress = new ConsoleProgress(out, false, false);
        progress.round(row(1), 4, 90);
        progress.round(row(2), 4, 60);
        progress.summary("done");
        String[] lines = printed().split("\n");
        assertEquals(3, lines.length);
        assertEquals("round 1/4  epoch 0.25  loss 2.0000 (2.885 bpc)  |g| 1.50 clip 50%  2,500 tok/s  ETA 1m30s", lines[0]);
        assertTrue(lines[1].startsWith("round 2/4  epoch 0.50"), lines[1]);
        assertFalse(printed().contains("\r"));
    }

    @Test
    void aTerminalGetsABarRedrawnInPlaceUnderTheLines() {
        ConsoleProgress progress = new ConsoleProgress(out, false, true);
        progress.round(row(1), 4, 90);
        String bar1 = ConsoleProgress.bar(1, 4, 90);
        assertEquals("[########......................]  1/4 rounds  25%  ETA 1m30s", bar1);
        assertTrue(printed().endsWith("ETA 1m30s\n" + bar1), printed());

        progress.round(row(2), 4, 60);
        String erase = "\r" + " ".repeat(bar1.length()) + "\r";
        assertTrue(printed().contains(bar1 + erase + "round 2/4"), printed());
        assertTrue(printed().endsWith(ConsoleProgress.bar(2, 4, 60)));

        progress.summary("done");
        assertTrue(printed().endsWith(ConsoleProgress.bar(2, 4, 60) + "\r" + " ".repeat(ConsoleProgress.bar(2, 4, 60).length())
                + "\rdone\n"), "the bar is wiped before the summary");
    }

    @Test
    void quietModePrintsOnlyTheSummaryAndNoBar() {
        ConsoleProgress progress = new ConsoleProgress(out, true, true);
        progress.info("model: ...");
        progress.round(row(1), 4, 90);
        progress.summary("done: validation 2.1 bits per character");
        assertEquals("done: validation 2.1 bits per character\n", printed());
    }

    @Test
    void theBarIsFullAtTheLastRound() {
        assertEquals("[##############################]  40/40 rounds  100%  ETA 0m00s", ConsoleProgress.bar(40, 40, 0));
        assertTrue(ConsoleProgress.bar(3, 400, Double.NaN).endsWith("1%  ETA ?"));
    }
}
