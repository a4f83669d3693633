package io.sparkrnn.cli;

import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.dist.Dl4jComparison;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The default build leaves DL4J's Spark module out: train.engine = dl4j is a usage error that says how to get it. */
class Dl4jEngineAbsentTest {
    @Test
    void trainWithTheDl4jEngineExitsWithCode2NamingTheProfile() {
        assumeFalse(Dl4jComparison.available(), "this build has the dl4j-spark profile");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("train", "--set", "train.engine=dl4j", "--set", "checkpoint.root=/nonexistent/never-written");
        } finally {
            System.setErr(original);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.CONFIG, code, message);
        assertTrue(message.contains("train.engine = dl4j") && message.contains("needs DL4J's Spark module")
                && message.contains("mvn -B -Pdl4j-spark -DskipTests package"), message);
        assertTrue(message.contains("use train.engine = sparkrnn"), message);
    }
}
