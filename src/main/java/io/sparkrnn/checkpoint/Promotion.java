package io.sparkrnn.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * Copies a checkpoint into another folder (production) as that folder's next checkpoint, through the same
 * atomic save as training: the files go to a temp folder, each source file is verified against its recorded
 * SHA-256 while it is copied, the copy is read back and re-hashed, and only then is the folder renamed into
 * place and LATEST pointed at it. Readers of the folder see the old model or the new one, never a mix.
 *
 * <p>The copies are numbered 1, 2, 3... in the target folder (their own rounds would collide: every
 * nightly run has a round 40); {@code promotion.json} records where each came from. Older copies are
 * removed by the target store's retention, so the previous models stay available for a rollback.
 */
public final class Promotion {
    /** Written into every promoted checkpoint: source URI, source round, time. */
    public static final String RECORD = "promotion.json";

    private Promotion() {
    }

    /** Copies {@code source} into {@code target}; returns the published copy. */
    public static CheckpointRef promote(CheckpointRef source, CheckpointStore target) throws IOException {
        long number = nextNumber(target.listComplete());
        byte[] record = record(source);
        CheckpointRef copy = target.save(number, Double.NaN, writer -> {
            for (String name : source.files()) {
                if (!name.equals(RECORD)) { // promoting a promoted copy: it gets a record of its own
                    writer.file(name, out -> {
                        try (InputStream in = source.open(name)) {
                            in.transferTo(out);
                        }
                    });
                }
            }
            writer.file(RECORD, out -> out.write(record));
        }, true);
        for (String name : source.files()) {
            if (!name.equals(RECORD) && !copy.sha256(name).equals(source.sha256(name))) {
                throw new CheckpointException("Promoted copy " + copy.uri() + " of " + name + " differs from "
                        + source.uri() + " (SHA-256 " + copy.sha256(name) + " vs " + source.sha256(name) + ")");
            }
        }
        return copy;
    }

    /** The checkpoint a promoted copy was made from (its {@value #RECORD}), empty for a checkpoint that is no copy. */
    public static java.util.Optional<String> sourceOf(CheckpointRef copy) throws IOException {
        if (!copy.files().contains(RECORD)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.ofNullable(new ObjectMapper().readTree(copy.readAll(RECORD)).path("source").asText(null));
    }

    private static long nextNumber(List<CheckpointRef> existing) {
        return existing.stream().mapToLong(CheckpointRef::round).max().orElse(0) + 1;
    }

    private static byte[] record(CheckpointRef source) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("source", source.uri());
        root.put("sourceRound", source.round());
        root.put("promotedAt", Instant.now().toString());
        root.put("user", System.getProperty("user.name"));
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }
}
