package io.sparkrnn.bench;

import io.sparkrnn.model.CellType;
import io.sparkrnn.model.Connections;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.model.UpdaterSpec;

import java.util.List;
import java.util.Locale;

/** One single-replica workload: the model, the batch, and whether stock DL4J can run it for comparison. */
final class ReplicaCase {
    static final int VOCAB = 84;
    static final int EMBEDDING = 64;
    static final int SEQ_LENGTH = 64;

    final String name;
    final ModelSpec spec;
    final int batchSize;

    ReplicaCase(String name, CellType cell, int layers, int hidden, Connections connections, int batchSize) {
        this.name = name;
        this.spec = new ModelSpec(VOCAB, EMBEDDING, hidden, layers, cell, connections, 0.0,
                new UpdaterSpec("adam", 0.002, 0.9), 42);
        this.batchSize = batchSize;
    }

    /** Stock DL4J has no GRU. */
    boolean hasStockBaseline() {
        return spec.cell() == CellType.LSTM;
    }

    /** The PyTorch peer (see {@link PeerProbe}) builds plain LSTM and GRU stacks. */
    boolean hasPeer() {
        return spec.cell() != CellType.RNN && spec.connections() == Connections.NONE;
    }

    String describe() {
        return String.format(Locale.ROOT, "%s: %d x %s %d%s, batch %d, seq %d (%.1f MFLOP/token)", name,
                spec.layers(), spec.cell().name().toLowerCase(Locale.ROOT), spec.hiddenSize(),
                spec.connections() == Connections.NONE ? "" : " " + spec.connections().name().toLowerCase(Locale.ROOT),
                batchSize, SEQ_LENGTH, spec.trainingFlopsPerToken() / 1e6);
    }

    /** The four workloads. */
    static List<ReplicaCase> standard() {
        return List.of(
                new ReplicaCase("a", CellType.LSTM, 3, 256, Connections.NONE, 64),
                new ReplicaCase("b", CellType.LSTM, 3, 512, Connections.NONE, 64),
                new ReplicaCase("c", CellType.GRU, 3, 256, Connections.NONE, 64),
                new ReplicaCase("d", CellType.LSTM, 4, 256, Connections.DENSE, 64));
    }

    static ReplicaCase byName(String name) {
        return standard().stream().filter(c -> c.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no workload named " + name + "; use a, b, c or d"));
    }
}
