package io.sparkrnn.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkrnn.checkpoint.CheckpointException;
import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;

import java.io.IOException;
import java.util.List;

/**
 * A checkpoint's state.json: everything besides the tensors that resuming needs, in a form people can read.
 * docs/OPERATIONS.md ("Exact resume") documents the fields; {@link #FORMAT} changes whenever their meaning does.
 */
public final class StateJson {
    static final int FORMAT = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What state.json says, before the model and vocabulary files are checked against it.
     *
     * @param labels the size of a classifier's label set, -1 for a language model
     */
    public record Contents(RunConfig config, TrainingPosition position, WarmStart warmStart, long unknownCharacters,
                    String vocabularyFingerprint, long parameters, int outerStateValues, int labels) { }

    private StateJson() { }

    static byte[] write(RunSnapshot snapshot) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        TrainingPosition position = snapshot.position();
        root.put("round", position.round());
        root.put("steps", position.steps());
        root.put("replicas", position.replicas());
        putNumber(root, "bestValidationLoss", position.bestValidationLoss());
        putNumber(root, "validationLoss", position.validationLoss());
        putNumber(root, "learningRate", position.learningRate());
        // Every random stream (initialisation, held-out split, minibatch order, dropout) derives from this seed.
        root.putObject("seeds").put("run", snapshot.config().get(Options.SEED));
        root.putObject("outer").put("kind", snapshot.config().get(Options.OUTER))
                .put("values", snapshot.outerState().length);
        root.putObject("vocabulary").put("fingerprint", snapshot.vocabulary().fingerprint())
                .put("size", snapshot.vocabulary().size());
        root.put("unknownCharacters", snapshot.unknownCharacters());
        if (snapshot.labels() == null) {
            root.putNull("labels");
        } else {
            root.putObject("labels").put("size", snapshot.labels().size());
        }
        root.putObject("model").put("parameters", snapshot.graph().numParams())
                .put("updaterStateValues", updaterStateLength(snapshot));
        WarmStart warm = snapshot.warmStart();
        if (warm == null) {
            root.putNull("initFrom");
        } else {
            root.putObject("initFrom").put("uri", warm.uri()).put("checkpoint", warm.checkpointUri())
                    .put("round", warm.round());
        }
        root.put("config", snapshot.config().render());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    static Contents read(byte[] bytes, String where) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new CheckpointException(where + " is not a spark-rnn state.json (not a JSON object)");
        }
        int format = root.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new CheckpointException(where + " has format " + root.path("format") + ", this version of spark-rnn "
                    + "reads format " + FORMAT + "; use the spark-rnn version that wrote it");
        }
        RunConfig config = ConfigLoader.loadText(root.path("config").asText(), where, List.of());
        TrainingPosition position = new TrainingPosition(root.path("round").asInt(), root.path("steps").asLong(),
                root.path("replicas").asInt(), number(root, "bestValidationLoss"), number(root, "validationLoss"),
                number(root, "learningRate"));
        JsonNode init = root.path("initFrom");
        WarmStart warm = init.isObject()
                ? new WarmStart(init.path("uri").asText(), init.path("checkpoint").asText(), init.path("round").asInt())
                : null;
        return new Contents(config, position, warm, root.path("unknownCharacters").asLong(),
                root.path("vocabulary").path("fingerprint").asText(), root.path("model").path("parameters").asLong(),
                root.path("outer").path("values").asInt(), root.path("labels").path("size").asInt(-1));
    }

    private static long updaterStateLength(RunSnapshot snapshot) {
        return snapshot.graph().getUpdater().getStateViewArray() == null ? 0
                : snapshot.graph().getUpdater().getStateViewArray().length();
    }

    private static void putNumber(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    private static double number(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isNumber() ? value.asDouble() : Double.NaN;
    }
}
