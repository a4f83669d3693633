package io.sparkrnn.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The content of {@code checksums.json}: round, validation loss and, for every file, its size and
 * SHA-256. Example:
 * <pre>{"format":1,"round":12,"validationLoss":1.87,
 *  "files":[{"name":"model.zip","bytes":1048576,"sha256":"9f86d0..."}]}</pre>
 * An unknown validation loss is written as {@code null} (JSON has no NaN).
 */
final class Manifest {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** One file of a checkpoint as it was written. */
    record Entry(String name, long bytes, String sha256) {
    }

    private final long round;
    private final double validationLoss;
    private final Map<String, Entry> files;

    Manifest(long round, double validationLoss, Map<String, Entry> files) {
        this.round = round;
        this.validationLoss = validationLoss;
        this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    long round() {
        return round;
    }

    double validationLoss() {
        return validationLoss;
    }

    /** Files in the order they were written. */
    Map<String, Entry> files() {
        return files;
    }

    byte[] toJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("round", round);
        if (Double.isNaN(validationLoss)) {
            root.putNull("validationLoss");
        } else {
            root.put("validationLoss", validationLoss);
        }
        ArrayNode list = root.putArray("files");
        for (Entry e : files.values()) {
            list.addObject().put("name", e.name()).put("bytes", e.bytes()).put("sha256", e.sha256());
        }
        return JSON.writeValueAsBytes(root);
    }

    /** Parses and validates; the problem is returned as a CheckpointException naming {@code where}. */
    static Manifest parse(byte[] json, String where) throws CheckpointException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new CheckpointException(where + " is not valid JSON: " + CheckpointVerifier.firstLine(e));
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(where + " is not a JSON object");
        }
        int format = root.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new CheckpointException(where + " has format " + root.path("format")
                    + ", this version reads format " + FORMAT + " (written by a different spark-rnn version?)");
        }
        JsonNode roundNode = root.path("round");
        if (!roundNode.canConvertToLong() || !roundNode.isIntegralNumber()) {
            throw new CheckpointException(where + " has no integer \"round\", got " + roundNode);
        }
        JsonNode lossNode = root.path("validationLoss");
        double loss;
        if (lossNode.isNull() || lossNode.isMissingNode()) {
            loss = Double.NaN;
        } else if (lossNode.isNumber()) {
            loss = lossNode.asDouble();
        } else {
            throw new CheckpointException(where + " has a non-numeric \"validationLoss\": " + lossNode);
        }
        JsonNode list = root.path("files");
        if (!list.isArray()) {
            throw new CheckpointException(where + " has no \"files\" list");
        }
        Map<String, Entry> files = new LinkedHashMap<>();
        for (JsonNode f : list) {
            String name = f.path("name").asText("");
            long bytes = f.path("bytes").asLong(-1);
            String sha = f.path("sha256").asText("");
            if (name.isEmpty() || bytes < 0 || !HEX64.matcher(sha).matches() || name.contains("/")) {
                throw new CheckpointException(where + " has a malformed file entry: " + f);
            }
            files.put(name, new Entry(name, bytes, sha));
        }
        return new Manifest(roundNode.asLong(), loss, files);
    }
}
