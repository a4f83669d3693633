package io.sparkrnn.cli;

import io.sparkrnn.config.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reduced experiments, run from the command's entry point in this JVM on Spark local[*]: each must show its
 * claim. The thresholds come from measured reduced runs on the 2-core CI machine, stated at each assertion with
 * the values measured, and leave room for the run-to-run spread of a shared machine (runs are seeded, but
 * thread timing can reorder floating-point sums).
 */
class ExperimentCommandTest {
    @TempDir
    Path out;

    /** Runs {@code sparkrnn experiment NAME --reduced} and returns its CSV rows (header first), split into cells. */
    private List<String[]> reduced(String name) throws IOException {
        int code = Main.run("experiment", name, "--reduced", "--out", out.toString());
        assertEquals(ExitCodes.OK, code, "sparkrnn experiment " + name + " --reduced");
        assertTrue(Files.readString(out.resolve(name + ".md")).contains("| --- |"), "markdown table written");
        return Files.readAllLines(out.resolve(name + ".csv")).stream().map(line -> line.split(",", -1)).toList();
    }

    /** The rows of a further table the experiment wrote, NAME-SUFFIX.csv, split into cells. */
    private List<String[]> part(String name, String suffix) throws IOException {
        return Files.readAllLines(out.resolve(name + "-" + suffix + ".csv")).stream()
                .map(line -> line.split(",", -1)).toList();
    }

    private static double cell(List<String[]> rows, String rowKey, String column) {
        int index = Arrays.asList(rows.get(0)).indexOf(column);
        assertTrue(index >= 0, "column " + column);
        return rows.stream().filter(r -> r[0].equals(rowKey)).findFirst()
                .map(r -> Double.parseDouble(r[index])).orElseThrow(() -> new AssertionError("no row " + rowKey));
    }

    @Test
    void unknownExperimentIsAUsageErrorNamingTheChoices() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("experiment", "vanishin");
        } finally {
            System.setErr(original);
        }
        assertEquals(ExitCodes.CONFIG, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown experiment 'vanishin'; choose one of"), err.toString());
    }

    @Test
    void gatedCellsLearnADependencyFiftyStepsBackWhereTheVanillaRnnStaysAtChance() throws IOException {
        List<String[]> rows = reduced("vanishing");
        // Measured (reduced: k = 50, 10 rounds): rnn 0.287, lstm 0.993, gru 0.538 (both started with their keeping
        // gate's bias at 3); chance is 0.25.
        double rnn = cell(rows, "50", "rnn: accuracy");
        double lstm = cell(rows, "50", "lstm: accuracy");
        double gru = cell(rows, "50", "gru: accuracy");
        assertTrue(lstm > 0.9, "lstm accuracy at k = 50: " + lstm);
        assertTrue(rnn < 0.45, "rnn accuracy at k = 50 near chance: " + rnn);
        assertTrue(gru > rnn + 0.15, "gru accuracy at k = 50 " + gru + " well above rnn's " + rnn);
        // Gradient reaching the key 50 steps back, untrained: rnn 6.6e-6, lstm 0.91, gru 4.1e-3 (measured).
        assertTrue(cell(rows, "50", "lstm: grad at key") > 1000 * cell(rows, "50", "rnn: grad at key"));
        assertTrue(cell(rows, "50", "gru: grad at key") > 100 * cell(rows, "50", "rnn: grad at key"));
    }

    @Test
    void bidirectionalReadingBeatsLeftToRightWithLastStepPooling() throws IOException {
        List<String[]> rows = reduced("bidirectional");
        // Measured (reduced: last-step pooling, 10 rounds): unidirectional 0.532, bidirectional 1.000; chance is 0.5.
        // The left-to-right encoder must carry the tone across 12 words; the backward direction has just read it.
        double uni = cell(rows, "last", "unidirectional: accuracy");
        double bi = cell(rows, "last", "bidirectional: accuracy");
        assertTrue(bi > 0.9, "bidirectional accuracy " + bi);
        assertTrue(bi > uni + 0.25, "bidirectional " + bi + " against unidirectional " + uni);
    }

    @Test
    void explodingGradientsWithoutClippingAndClippedSteps() throws IOException {
        List<String[]> rows = reduced("exploding");
        // Measured (reduced, 4 rounds): unclipped max per-token gradient norm 2.1e8 in round 1 (4.5e15 with a
        // 120,000-character corpus): the gradient explodes. With global clipping the first steps are cut to norm 1,
        // the raw norm falls to 3.1 by round 4 and the training loss from 3.76 to 3.25. The unclipped run does not
        // diverge (the lecture's claim that did not reproduce, see README), so that is not asserted.
        assertTrue(cell(rows, "1", "none: max grad norm") > 1e6, "unclipped gradient norm should explode");
        assertTrue(cell(rows, "1", "global: max grad norm") > 100, "the same explosion under global clipping");
        assertTrue(cell(rows, "4", "global: train loss") < cell(rows, "1", "global: train loss") - 0.3,
                "global clipping should train stably");
        assertTrue(Double.isFinite(cell(rows, "4", "perLayer: train loss")), "per-layer clipping keeps the loss finite");
    }

    @Test
    void gruMatchesLstmAtEqualParameterCount() throws IOException {
        List<String[]> rows = reduced("gru-vs-lstm");
        // Measured (reduced): lstm 128 units 210,029 parameters, gru 148 units 210,801 (0.4% apart); validation
        // 4.27 bpc lstm against 3.80 gru after 4 rounds. Tokens/s are printed, never asserted.
        double lstm = cell(rows, "lstm", "parameters");
        double gru = cell(rows, "gru", "parameters");
        assertTrue(Math.abs(gru - lstm) / lstm < 0.03, "parameter counts within 3%: lstm " + lstm + ", gru " + gru);
        assertTrue(cell(rows, "gru", "val bpc") < cell(rows, "lstm", "val bpc") + 0.1, "gru learns as well as lstm");
        assertTrue(cell(rows, "gru", "tokens/s") > 0 && cell(rows, "lstm", "tokens/s") > 0, "throughput measured");
    }

    @Test
    void residualAndDenseConnectionsTrainDeepStacksFaster() throws IOException {
        List<String[]> rows = reduced("depth");
        // Measured (reduced, 6 rounds): none 4.34, residual 3.87, dense 3.96 validation bpc.
        double none = cell(rows, "6", "none: val bpc");
        assertTrue(cell(rows, "6", "residual: val bpc") < none - 0.2, "residual beats the plain 8-layer stack");
        assertTrue(cell(rows, "6", "dense: val bpc") < none - 0.2, "dense beats the plain 8-layer stack");
    }
}
