package io.sparkrnn.cli;

import io.sparkrnn.config.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A --set value its option's type cannot take stops the command with exit code 2 before Spark starts. */
class SetOverrideTest {

    @Test
    void aValueTheTypeCannotTakeExitsWithCode2NamingKeyAndValue(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            // Were the value read as HOCON, "// ten" would be a comment, and the run would go on to the missing corpus.
            code = Main.run("train", "--set", "checkpoint.root=" + dir.toUri(), "--set", "data.corpus=" + dir.resolve("none"),
                    "--set", "train.rounds=10 // ten");
        } finally {
            System.setErr(original);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.CONFIG, code, message);
        assertTrue(message.contains("train.rounds must be an integer, got '10 // ten' (--set train.rounds)"), message);
    }
}
