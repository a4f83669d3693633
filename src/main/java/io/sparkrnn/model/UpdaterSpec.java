package io.sparkrnn.model;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

import java.io.Serializable;
import java.util.Objects;

/**
 * The replica optimizer and its gradient clipping; part of the model spec because DL4J keeps the optimizer's
 * state, and its own per-layer clipping, inside the network.
 */
public final class UpdaterSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final double learningRate;
    private final double momentum;
    private final Clipping clipping;
    private final double maxGradNorm;

    /** With the default clipping: global, at the limit the replica trainer is given. */
    public UpdaterSpec(String name, double learningRate, double momentum) {
        this(name, learningRate, momentum, Clipping.GLOBAL, Options.MAX_GRAD_NORM.defaultValue());
    }

    public UpdaterSpec(String name, double learningRate, double momentum, Clipping clipping, double maxGradNorm) {
        this.name = Objects.requireNonNull(name);
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.clipping = Objects.requireNonNull(clipping);
        this.maxGradNorm = maxGradNorm;
    }

    public static UpdaterSpec from(RunConfig config) {
        return new UpdaterSpec(config.get(Options.UPDATER), config.get(Options.LEARNING_RATE), config.get(Options.MOMENTUM),
                Clipping.parse(config.get(Options.CLIPPING)), config.get(Options.MAX_GRAD_NORM));
    }

    public double learningRate() { return learningRate; }

    public Clipping clipping() { return clipping; }

    public UpdaterSpec withLearningRate(double rate) { return new UpdaterSpec(name, rate, momentum, clipping, maxGradNorm); }

    /**
     * Sets the optimizer and, for per-layer clipping, DL4J's gradient normalization on a network builder. DL4J
     * applies it after dividing by the minibatch size, to the per-token mean gradient our listener leaves, so
     * train.maxGradNorm means the same limit in both modes: on all parameters at once, or on each layer.
     */
    public NeuralNetConfiguration.Builder configure(NeuralNetConfiguration.Builder builder) {
        builder.updater(toDl4j());
        if (clipping == Clipping.PER_LAYER) {
            builder.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(maxGradNorm);
        }
        return builder;
    }

    public IUpdater toDl4j() {
        switch (name) {
            case "adam": return new Adam(learningRate);
            case "sgd": return new Sgd(learningRate);
            case "nesterov": return new Nesterovs(learningRate, momentum);
            default: throw new IllegalArgumentException("unknown updater " + name + "; use adam, sgd or nesterov");
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UpdaterSpec)) {
            return false;
        }
        UpdaterSpec u = (UpdaterSpec) o;
        return name.equals(u.name) && Double.compare(learningRate, u.learningRate) == 0
                && Double.compare(momentum, u.momentum) == 0 && clipping == u.clipping
                && Double.compare(maxGradNorm, u.maxGradNorm) == 0;
    }

    @Override
    public int hashCode() { return Objects.hash(name, learningRate, momentum, clipping, maxGradNorm); }

    @Override
    public String toString() { return name + "(lr=" + learningRate + ", clipping " + clipping + ")"; }
}
