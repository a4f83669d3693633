package io.sparkrnn.cli;

import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.dist.Dl4jComparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * train.engine = dl4j needs DL4J's Spark module, which only the Maven profile dl4j-spark builds in: the default
 * build refuses it with exit code 2 and says how to build it; a dl4j-spark build trains with it. Each test runs in
 * the build it is about and is skipped in the other.
 */
class Dl4jEngineSelectionTest {
    @Test
    void withoutTheProfileTrainWithTheDl4jEngineExitsWithCode2NamingIt() {
        assumeFalse(Dl4jComparison.available(), "this build has the dl4j-spark profile");
        Output run = sparkrnn("train", "--set", "train.engine=dl4j", "--set", "checkpoint.root=/nonexistent/never-written");
        assertEquals(ExitCodes.CONFIG, run.code, run.err);
        assertTrue(run.err.contains("train.engine = dl4j") && run.err.contains("needs DL4J's Spark module")
                && run.err.contains("mvn -B -Pdl4j-spark -DskipTests package"), run.err);
        assertTrue(run.err.contains("use train.engine = sparkrnn"), run.err);
    }

    @Test
    void withTheProfileTheDl4jEngineTrains(@TempDir Path dir) throws IOException {
        assumeTrue(Dl4jComparison.available(), "this build leaves DL4J's Spark module out (mvn -Pdl4j-spark has it)");
        Path corpus = dir.resolve("corpus.txt");
        try (GZIPInputStream in = new GZIPInputStream(getClass().getResourceAsStream("/corpus/moby-dick.txt.gz"))) {
            Files.write(corpus, in.readNBytes(30000));
        }
        Output run = sparkrnn("train", "--master", "local[2]", "--set", "train.engine=dl4j", "--set", "run.id=dl4j-engine",
                "--set", "data.corpus=" + corpus.toUri(), "--set", "checkpoint.root=" + dir.resolve("runs").toUri(),
                "--set", "model.layers=1", "--set", "model.hiddenSize=32", "--set", "model.embeddingSize=16",
                "--set", "model.seqLength=32", "--set", "train.batchSize=16", "--set", "train.averagingFrequency=4",
                "--set", "train.rounds=2", "--set", "master.replicas=2", "--set", "data.blockSize=1024",
                "--set", "data.validationFraction=0.1",
                "--set", "eval.everyRounds=2", "--set", "eval.maxWindows=64", "--set", "sample.length=0");
        assertEquals(ExitCodes.OK, run.code, run.out + run.err);
        assertTrue(run.out.contains("round 2/2") && run.out.contains("done: validation"), run.out);
        assertTrue(Files.exists(dir.resolve("runs/dl4j-engine/ckpt-00000002/_COMPLETE")));
    }

    private static Output sparkrnn(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    private record Output(int code, String out, String err) { }
}
