package io.sparkrnn.model;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

import java.io.Serializable;
import java.util.Objects;

/** The replica optimizer; part of the model spec because DL4J keeps its state inside the network. */
public final class UpdaterSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final double learningRate;
    private final double momentum;

    public UpdaterSpec(String name, double learningRate, double momentum) {
        this.name = Objects.requireNonNull(name);
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    public static UpdaterSpec from(RunConfig config) {
        return new UpdaterSpec(config.get(Options.UPDATER), config.get(Options.LEARNING_RATE), config.get(Options.MOMENTUM));
    }

    public double learningRate() { return learningRate; }

    public UpdaterSpec withLearningRate(double rate) { return new UpdaterSpec(name, rate, momentum); }

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
                && Double.compare(momentum, u.momentum) == 0;
    }

    @Override
    public int hashCode() { return Objects.hash(name, learningRate, momentum); }

    @Override
    public String toString() { return name + "(lr=" + learningRate + ")"; }
}
