package io.sparkrnn.model;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;

import java.io.Serializable;
import java.util.Objects;

/** The shape of a language model and of its optimizer: everything needed to build an identical network. */
public final class ModelSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int vocabSize;
    private final int embeddingSize;
    private final int hiddenSize;
    private final int layers;
    private final CellType cell;
    private final Connections connections;
    private final double dropout;
    private final UpdaterSpec updater;
    private final long seed;

    public ModelSpec(int vocabSize, int embeddingSize, int hiddenSize, int layers, CellType cell,
                     Connections connections, double dropout, UpdaterSpec updater, long seed) {
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabulary needs at least 2 symbols, got " + vocabSize);
        }
        this.vocabSize = vocabSize;
        this.embeddingSize = embeddingSize;
        this.hiddenSize = hiddenSize;
        this.layers = layers;
        this.cell = Objects.requireNonNull(cell);
        this.connections = Objects.requireNonNull(connections);
        this.dropout = dropout;
        this.updater = Objects.requireNonNull(updater);
        this.seed = seed;
    }

    public static ModelSpec from(RunConfig config, int vocabSize) {
        return new ModelSpec(vocabSize,
                config.get(Options.EMBEDDING_SIZE),
                config.get(Options.HIDDEN_SIZE),
                config.get(Options.LAYERS),
                CellType.parse(config.get(Options.CELL)),
                Connections.parse(config.get(Options.CONNECTIONS)),
                config.get(Options.DROPOUT),
                UpdaterSpec.from(config),
                config.get(Options.SEED));
    }

    public int vocabSize() { return vocabSize; }
    public int embeddingSize() { return embeddingSize; }
    public int hiddenSize() { return hiddenSize; }
    public int layers() { return layers; }
    public CellType cell() { return cell; }
    public Connections connections() { return connections; }
    public double dropout() { return dropout; }
    public UpdaterSpec updater() { return updater; }
    public long seed() { return seed; }

    /** Training FLOPs per token (forward + backward), the figure throughput is compared on. */
    public double trainingFlopsPerToken() {
        double flops = 6.0 * vocabSize * LayerWiring.outputLayerInputSize(this);
        for (int layer = 1; layer <= layers; layer++) {
            int in = LayerWiring.recurrentInputSize(this, layer);
            flops += 6.0 * cell.gates() * hiddenSize * (double) (in + hiddenSize);
        }
        return flops;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ModelSpec)) {
            return false;
        }
        ModelSpec s = (ModelSpec) o;
        return vocabSize == s.vocabSize && embeddingSize == s.embeddingSize && hiddenSize == s.hiddenSize
                && layers == s.layers && cell == s.cell && connections == s.connections
                && Double.compare(dropout, s.dropout) == 0 && updater.equals(s.updater) && seed == s.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(vocabSize, embeddingSize, hiddenSize, layers, cell, connections, dropout, updater, seed);
    }

    @Override
    public String toString() {
        return "embedding " + embeddingSize + " -> " + layers + " x " + cell.name().toLowerCase() + " " + hiddenSize
                + " (" + connections.name().toLowerCase() + ") -> softmax " + vocabSize;
    }
}
