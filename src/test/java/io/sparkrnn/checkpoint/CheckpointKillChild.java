package io.sparkrnn.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;

/**
 * The victim of the kill test, run in its own JVM: saves round 1 completely, then starts round 2 with
 * a body that writes slowly and never finishes, printing {@link #MARKER} once bytes of round 2 are on
 * their way. The test kills it with SIGKILL at that point.
 *
 * <p>Arguments: {@code root runId [hadoopKey=value ...]}.
 */
public final class CheckpointKillChild {
    public static final String MARKER = "WRITING-ROUND-2";
    public static final String SAVED_1 = "SAVED-ROUND-1";

    private CheckpointKillChild() {
    }

    /** The model bytes of a round: deterministic, so the parent can check them. */
    public static byte[] model(long round) {
        byte[] b = new byte[200_000];
        new Random(round).nextBytes(b);
        return b;
    }

    public static byte[] state(long round) {
        return ("{\"round\":" + round + "}").getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws IOException {
        Configuration conf = new Configuration();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            conf.set(kv[0], kv[1]);
        }
        CheckpointStore store = CheckpointStore.open(args[0], args[1], conf, CheckpointPolicy.defaults());
        store.save(1, 2.0, w -> {
            w.file("model.bin", out -> out.write(model(1)));
            w.file("state.json", out -> out.write(state(1)));
        });
        System.out.println(SAVED_1);
        System.out.flush();
        store.save(2, 1.0, w -> w.file("model.bin", out -> {
            byte[] chunk = new byte[4096];
            out.write(chunk);
            out.flush();
            System.out.println(MARKER);
            System.out.flush();
            for (int i = 0; i < 6000; i++) { // ~10 minutes: far longer than the test waits
                out.write(chunk);
                sleep(100);
            }
        }));
        System.out.println("UNEXPECTED-END");
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
