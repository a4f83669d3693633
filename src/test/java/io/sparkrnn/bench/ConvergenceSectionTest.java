package io.sparkrnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkrnn.cli.Main;
import io.sparkrnn.config.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The convergence section end to end, reduced: a tiny model on the bundled corpus, one and two replicas (each a real
 * Spark local run in its own JVM, as in the full benchmark), a budget of 1,024 tokens validated every 256.
 */
class ConvergenceSectionTest {
    private static final Path ROOT = Path.of(System.getProperty("project.basedir", "."));

    @Test
    void trainsEveryReplicaCountToTheSameBudgetAndWritesEveryValidationToTheCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("curves.csv");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.run("bench", "--sections", "convergence", "--conf", ROOT.resolve("conf/local.conf").toString(),
                    "--replicas", "1,2", "--seeds", "7", "--tokens", "1024", "--eval-tokens", "256", "--target", "4.3",
                    "--csv", csv.toString(), "--logs", dir.resolve("logs").toString(),
                    "--set", "model.layers=1", "--set", "model.hiddenSize=16", "--set", "model.embeddingSize=8",
                    "--set", "model.seqLength=16", "--set", "train.batchSize=4", "--set", "train.averagingFrequency=2",
                    "--set", "train.batchScaling=divide", "--set", "eval.maxWindows=16");
        } finally {
            System.setOut(saved);
        }
        String report = printed.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OK, exit, report);
        assertTrue(report.contains("## 6. Convergence: time to quality with R replicas"), report);
        assertTrue(report.contains("--set train.batchScaling=divide"), "the command line names the settings tried");

        List<String> lines = Files.readAllLines(csv);
        assertEquals("corpus,run,replicas,coresPerReplica,seed,round,tokens,seconds,valBpc,learningRate,settings",
                lines.get(0));
        for (String run : List.of("\"R=1\"", "\"R=2\"")) {
            List<String[]> rows = lines.stream().skip(1).map(l -> l.split(","))
                    .filter(f -> f[1].equals(run)).collect(Collectors.toList());
            // 1,024 tokens at 64 per step (the batch of 4 windows of 16 is shared by the replicas): 16 steps, 8
            // rounds of 2, validated every 256 tokens (2 rounds): 4 validations, the last after the last round.
            assertEquals(4, rows.size(), run + ": " + lines);
            assertEquals("1024", rows.get(3)[6], run + " trained the whole budget");
            assertEquals("7", rows.get(0)[4]);
            for (String[] row : rows) {
                double bpc = Double.parseDouble(row[8]);
                assertTrue(bpc > 0 && bpc < 10, run + " validation bits per character " + bpc);
            }
        }
        assertTrue(report.contains("| R=1 | 7 | 8 | 1,024 |") && report.contains("| R=2 | 7 | 8 | 1,024 |"), report);
        assertTrue(report.contains("Means over seeds"), report);
    }
}
