package io.sparkrnn.model;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;

import java.io.Serializable;
import java.util.Objects;

/**
 * The shape of a model and of its optimizer: everything needed to build an identical network. The encoder
 * (embedding and recurrent stack) is shared by both heads: a per-step softmax over the vocabulary (language
 * model, {@link Pooling#NONE}) or a pooled softmax over {@link #outputSize()} labels (classifier).
 */
public final class ModelSpec implements Serializable {
    private static final long serialVersionUID = 3L;
    /** DL4J's LSTM default: an open forget gate at the start, so gradients flow back through early training. */
    public static final double DEFAULT_FORGET_BIAS = 1.0;
    /** sigmoid(-2) = 0.12: a highway layer starts by mostly carrying its input (Srivastava et al. use -1 to -3). */
    public static final double DEFAULT_HIGHWAY_GATE_BIAS = -2.0;

    private final int vocabSize;
    private final int embeddingSize;
    private final int hiddenSize;
    private final int layers;
    private final CellType cell;
    private final Connections connections;
    private final double dropout;
    private final UpdaterSpec updater;
    private final long seed;
    private final Directions directions;
    private final double lstmForgetBias;
    private final double highwayGateBias;
    private final Pooling pooling;
    private final int outputSize;

    /** A forward language model. */
    public ModelSpec(int vocabSize, int embeddingSize, int hiddenSize, int layers, CellType cell,
                     Connections connections, double dropout, UpdaterSpec updater, long seed) {
        this(vocabSize, embeddingSize, hiddenSize, layers, cell, connections, dropout, updater, seed,
                Directions.FORWARD, DEFAULT_FORGET_BIAS, DEFAULT_HIGHWAY_GATE_BIAS, Pooling.NONE, vocabSize);
    }

    private ModelSpec(int vocabSize, int embeddingSize, int hiddenSize, int layers, CellType cell,
                      Connections connections, double dropout, UpdaterSpec updater, long seed,
                      Directions directions, double lstmForgetBias, double highwayGateBias, Pooling pooling,
                      int outputSize) {
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabulary needs at least 2 symbols, got " + vocabSize);
        }
        if (outputSize < 2) {
            throw new IllegalArgumentException("the softmax needs at least 2 classes, got " + outputSize);
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
        this.directions = Objects.requireNonNull(directions);
        this.lstmForgetBias = lstmForgetBias;
        this.highwayGateBias = highwayGateBias;
        this.pooling = Objects.requireNonNull(pooling);
        this.outputSize = outputSize;
    }

    /** The language model the configuration describes (its {@code model.*} keys) over {@code vocabSize} symbols. */
    public static ModelSpec from(RunConfig config, int vocabSize) {
        return new ModelSpec(vocabSize,
                config.get(Options.EMBEDDING_SIZE),
                config.get(Options.HIDDEN_SIZE),
                config.get(Options.LAYERS),
                CellType.parse(config.get(Options.CELL)),
                Connections.parse(config.get(Options.CONNECTIONS)),
                config.get(Options.DROPOUT),
                UpdaterSpec.from(config),
                config.get(Options.SEED),
                Directions.of(config.get(Options.BIDIRECTIONAL), config.get(Options.BIDIRECTIONAL_MERGE)),
                config.get(Options.LSTM_FORGET_BIAS), config.get(Options.HIGHWAY_GATE_BIAS), Pooling.NONE, vocabSize);
    }

    /** The classifier the configuration describes over {@code vocabSize} symbols and {@code labels} labels. */
    public static ModelSpec classifierFrom(RunConfig config, int vocabSize, int labels) {
        return from(config, vocabSize).classifier(Pooling.parse(config.get(Options.POOLING)), labels);
    }

    /** The same encoder with {@code directions}. */
    public ModelSpec withDirections(Directions newDirections) {
        return new ModelSpec(vocabSize, embeddingSize, hiddenSize, layers, cell, connections, dropout, updater, seed,
                newDirections, lstmForgetBias, highwayGateBias, pooling, outputSize);
    }

    /** The same model with the LSTM forget-gate bias initialised to {@code bias}. */
    public ModelSpec withLstmForgetBias(double bias) {
        return new ModelSpec(vocabSize, embeddingSize, hiddenSize, layers, cell, connections, dropout, updater, seed,
                directions, bias, highwayGateBias, pooling, outputSize);
    }

    /** The same model with the highway transform gates' bias initialised to {@code bias}. */
    public ModelSpec withHighwayGateBias(double bias) {
        return new ModelSpec(vocabSize, embeddingSize, hiddenSize, layers, cell, connections, dropout, updater, seed,
                directions, lstmForgetBias, bias, pooling, outputSize);
    }

    /** The same encoder under a classifier head: {@code pooled} outputs, softmax over {@code labels}. */
    public ModelSpec classifier(Pooling pooled, int labels) {
        if (pooled == Pooling.NONE) {
            throw new IllegalArgumentException("a classifier pools the sequence: last or mean, not none");
        }
        return new ModelSpec(vocabSize, embeddingSize, hiddenSize, layers, cell, connections, dropout, updater, seed,
                directions, lstmForgetBias, highwayGateBias, pooled, labels);
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
    public Directions directions() { return directions; }
    public double lstmForgetBias() { return lstmForgetBias; }
    public double highwayGateBias() { return highwayGateBias; }
    public Pooling pooling() { return pooling; }
    public boolean isClassifier() { return pooling != Pooling.NONE; }
    /** Classes of the softmax: the vocabulary for a language model, the labels for a classifier. */
    public int outputSize() { return outputSize; }
    /** Size of one recurrent layer's output (twice the hidden size for concatenated directions). */
    public int layerOutputSize() { return directions.outputSize(hiddenSize); }

    /**
     * Training FLOPs per token (forward + backward), the figure throughput is compared on. A classifier's head
     * runs once per sequence, not per token, so only the encoder is counted for it.
     */
    public double trainingFlopsPerToken() {
        double flops = isClassifier() ? 0 : 6.0 * outputSize * LayerWiring.outputLayerInputSize(this);
        for (int layer = 1; layer <= layers; layer++) {
            int in = LayerWiring.recurrentInputSize(this, layer);
            flops += 6.0 * directions.passes() * cell.gates() * hiddenSize * (double) (in + hiddenSize);
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
                && Double.compare(dropout, s.dropout) == 0 && updater.equals(s.updater) && seed == s.seed
                && directions == s.directions && Double.compare(lstmForgetBias, s.lstmForgetBias) == 0
                && Double.compare(highwayGateBias, s.highwayGateBias) == 0
                && pooling == s.pooling && outputSize == s.outputSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(vocabSize, embeddingSize, hiddenSize, layers, cell, connections, dropout, updater, seed,
                directions, lstmForgetBias, highwayGateBias, pooling, outputSize);
    }

    @Override
    public String toString() {
        String direction = directions.bidirectional() ? " bidirectional (" + lower(directions) + ")" : "";
        String head = isClassifier() ? lower(pooling) + " pooling -> softmax " + outputSize + " labels"
                : "softmax " + outputSize;
        return "embedding " + embeddingSize + " -> " + layers + " x " + lower(cell) + " " + hiddenSize + direction
                + " (" + lower(connections) + ") -> " + head;
    }

    private static String lower(Enum<?> value) { return value.name().toLowerCase(); }
}
