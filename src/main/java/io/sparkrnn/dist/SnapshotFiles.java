package io.sparkrnn.dist;

import io.sparkrnn.checkpoint.CheckpointContents;
import io.sparkrnn.checkpoint.CheckpointException;
import io.sparkrnn.checkpoint.CheckpointRef;
import io.sparkrnn.data.Labels;
import io.sparkrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The files of a checkpoint: model.zip (DL4J ModelSerializer with updater state), vocab.json, labels.json (a
 * classifier's label set; language models have none), state.json (see {@link StateJson}) and outer.bin (the
 * outer optimizer's state). Like every checkpoint file, each is listed with its checksum in the manifest.
 * Reading checks the files against each other, so a checkpoint assembled from two different saves is refused.
 */
public final class SnapshotFiles {
    public static final String MODEL = "model.zip";
    public static final String VOCABULARY = "vocab.json";
    public static final String LABELS = "labels.json";
    public static final String STATE = "state.json";
    public static final String OUTER = "outer.bin";

    private SnapshotFiles() { }

    public static CheckpointContents contents(RunSnapshot snapshot) {
        return writer -> {
            writer.file(MODEL, out -> ModelSerializer.writeModel(snapshot.graph(), out, true));
            writer.file(VOCABULARY, out -> out.write(snapshot.vocabulary().toJson().getBytes(StandardCharsets.UTF_8)));
            if (snapshot.labels() != null) {
                writer.file(LABELS, out -> out.write(snapshot.labels().toJson().getBytes(StandardCharsets.UTF_8)));
            }
            writer.file(STATE, out -> out.write(StateJson.write(snapshot)));
            writer.file(OUTER, out -> writeFloats(snapshot.outerState(), out));
        };
    }

    /** Reads and cross-checks a checkpoint; any failure is a CheckpointException naming it (exit code 4). */
    public static RunSnapshot read(CheckpointRef checkpoint) throws CheckpointException {
        try {
            return readFiles(checkpoint);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("cannot read checkpoint " + checkpoint.uri() + ": " + e, e);
        }
    }

    private static RunSnapshot readFiles(CheckpointRef checkpoint) throws IOException {
        StateJson.Contents state = readState(checkpoint);
        Vocabulary vocabulary = Vocabulary.fromJson(new String(checkpoint.readAll(VOCABULARY), StandardCharsets.UTF_8));
        Labels labels = state.labels() < 0 ? null
                : Labels.fromJson(new String(checkpoint.readAll(LABELS), StandardCharsets.UTF_8));
        ComputationGraph graph;
        try (InputStream in = checkpoint.open(MODEL)) {
            graph = ModelSerializer.restoreComputationGraph(in, true);
        }
        float[] outer;
        try (InputStream in = checkpoint.open(OUTER)) {
            outer = readFloats(in);
        }
        requireConsistent(checkpoint, state, vocabulary, labels, graph, outer);
        return new RunSnapshot(state.config(), vocabulary, graph, state.position(), outer, state.warmStart(),
                state.unknownCharacters(), labels);
    }

    /** Only state.json: cheap enough to check that a folder is a spark-rnn checkpoint before copying it. */
    public static StateJson.Contents readState(CheckpointRef checkpoint) throws IOException {
        return StateJson.read(checkpoint.readAll(STATE), checkpoint.uri() + "/" + STATE);
    }

    private static void requireConsistent(CheckpointRef checkpoint, StateJson.Contents state, Vocabulary vocabulary,
                                          Labels labels, ComputationGraph graph, float[] outer) throws CheckpointException {
        String problem = null;
        if (labels != null && labels.size() != state.labels()) {
            problem = LABELS + " has " + labels.size() + " labels, " + STATE + " says " + state.labels();
        } else if (!vocabulary.fingerprint().equals(state.vocabularyFingerprint())) {
            problem = VOCABULARY + " is not the vocabulary " + STATE + " names (fingerprint " + vocabulary.fingerprint()
                    + ", expected " + state.vocabularyFingerprint() + ")";
        } else if (graph.numParams() != state.parameters()) {
            problem = MODEL + " has " + graph.numParams() + " parameters, " + STATE + " says " + state.parameters();
        } else if (outer.length != state.outerStateValues()) {
            problem = OUTER + " has " + outer.length + " values, " + STATE + " says " + state.outerStateValues();
        }
        if (problem != null) {
            throw new CheckpointException("checkpoint " + checkpoint.uri() + " is inconsistent: " + problem
                    + ". Its files come from different saves; use another checkpoint");
        }
    }

    private static void writeFloats(float[] values, OutputStream out) throws IOException {
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
        // Read to the end, so the verifying stream checks the file's checksum.
        if (in.read() != -1) {
            throw new IOException(OUTER + " has bytes after its " + values.length + " values");
        }
        return values;
    }
}
