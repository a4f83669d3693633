package io.sparkrnn.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkrnn.checkpoint.CheckpointContents;
import io.sparkrnn.checkpoint.CheckpointRef;
import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The files of a checkpoint: model.zip (DL4J ModelSerializer with updater state), vocab.json, state.json
 * (round, step count, seeds, best loss, the full config) and outer.bin (the outer optimizer's state).
 */
public final class SnapshotFiles {
    public static final String MODEL = "model.zip";
    public static final String VOCABULARY = "vocab.json";
    public static final String STATE = "state.json";
    public static final String OUTER = "outer.bin";
    static final int FORMAT = 1;

    private SnapshotFiles() { }

    public static CheckpointContents contents(RunSnapshot snapshot) {
        return writer -> {
            writer.file(MODEL, out -> ModelSerializer.writeModel(snapshot.graph(), out, true));
            writer.file(VOCABULARY, out -> out.write(snapshot.vocabulary().toJson().getBytes(StandardCharsets.UTF_8)));
            writer.file(STATE, out -> out.write(stateJson(snapshot).getBytes(StandardCharsets.UTF_8)));
            writer.file(OUTER, out -> writeFloats(snapshot.outerState(), out));
        };
    }

    public static RunSnapshot read(CheckpointRef checkpoint) throws IOException {
        JsonNode state = new ObjectMapper().readTree(checkpoint.readAll(STATE));
        if (state == null || state.path("format").asInt() != FORMAT) {
            throw new IOException("checkpoint " + checkpoint.uri() + " has no spark-rnn state.json of format " + FORMAT);
        }
        RunConfig config = ConfigLoader.loadText(state.path("config").asText(), checkpoint.uri() + "/" + STATE, java.util.List.of());
        Vocabulary vocabulary = Vocabulary.fromJson(new String(checkpoint.readAll(VOCABULARY), StandardCharsets.UTF_8));
        ComputationGraph graph;
        try (InputStream in = checkpoint.open(MODEL)) {
            graph = ModelSerializer.restoreComputationGraph(in, true);
        }
        float[] outer;
        try (InputStream in = checkpoint.open(OUTER)) {
            outer = readFloats(in);
        }
        return new RunSnapshot(config, vocabulary, graph, state.path("round").asInt(), state.path("steps").asLong(),
                state.path("replicas").asInt(), number(state, "bestValidationLoss"), number(state, "validationLoss"), outer);
    }

    private static String stateJson(RunSnapshot snapshot) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("round", snapshot.round());
        root.put("steps", snapshot.steps());
        root.put("replicas", snapshot.replicas());
        root.put("seed", snapshot.config().get(io.sparkrnn.config.Options.SEED));
        putNumber(root, "bestValidationLoss", snapshot.bestValidationLoss());
        putNumber(root, "validationLoss", snapshot.validationLoss());
        root.put("vocabularyFingerprint", snapshot.vocabulary().fingerprint());
        root.put("vocabularySize", snapshot.vocabulary().size());
        root.put("parameters", snapshot.graph().numParams());
        root.put("config", snapshot.config().render());
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
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

    private static void writeFloats(float[] values, java.io.OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(values.length);
        for (float v : values) {
            data.writeFloat(v);
        }
        data.flush();
    }

    private static float[] readFloats(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        float[] values = new float[data.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.readFloat();
        }
        return values;
    }
}
