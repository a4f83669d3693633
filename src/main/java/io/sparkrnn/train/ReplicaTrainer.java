package io.sparkrnn.train;

import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.model.Clipping;
import io.sparkrnn.model.ModelSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One replica's local training: DL4J's forward/backward, our global-norm clip, DL4J's updater, one step per
 * minibatch. Holds one network for its whole life so that executors reuse it across rounds.
 */
public final class ReplicaTrainer {
    private final ComputationGraph graph;
    private final ModelSpec spec;
    private final GlobalClippingListener clipping;
    private double learningRate;

    public ReplicaTrainer(ComputationGraph graph, ModelSpec spec, double maxGradNorm, int seqLength) {
        this.graph = graph;
        this.spec = spec;
        // Without global clipping the listener still measures the norm, for the metrics; it never scales.
        boolean global = spec.updater().clipping() == Clipping.GLOBAL;
        // The clip limits the mean gradient per loss term: per token for a language model, per line for a classifier.
        this.clipping = new GlobalClippingListener(global ? maxGradNorm : Double.POSITIVE_INFINITY,
                spec.isClassifier() ? 1 : seqLength);
        graph.setListeners(clipping);
        this.learningRate = spec.updater().learningRate();
    }

    public ModelSpec spec() { return spec; }

    public ComputationGraph graph() { return graph; }

    /** Copies {@code params} and {@code updaterState} into the network (never shares them) and sets the step count. */
    public void load(INDArray params, INDArray updaterState, long iteration) {
        graph.setParams(params);
        if (updaterState != null && updaterState.length() > 0) {
            graph.getUpdater().getStateViewArray().assign(updaterState);
        }
        graph.getConfiguration().setIterationCount(Math.toIntExact(iteration));
    }

    /**
     * Sets the updater's learning rate (the driver lowers it after a round in which every replica went
     * non-finite). Only a change touches DL4J, which rebuilds its updater and keeps the state.
     */
    public void setLearningRate(double rate) {
        if (Double.compare(rate, learningRate) != 0) {
            graph.setLearningRate(rate);
            learningRate = rate;
        }
    }

    /** One local language-model step; the batch's windows must have this trainer's sequence length. */
    public StepStats step(MiniBatch batch) {
        return step(BatchTensors.of(batch, spec.vocabSize()), batch.tokens());
    }

    /**
     * One local step on {@code data}, whose loss has {@code lossTerms} terms (tokens, or lines for a classifier).
     * DL4J's score is the mean over examples of each example's summed loss, so score x examples is the sum.
     */
    public StepStats step(MultiDataSet data, long lossTerms) {
        graph.fit(data);
        double lossSum = graph.score() * data.getFeatures(0).size(0);
        GlobalNormClipper.ClipResult clip = clipping.lastClip();
        return new StepStats(lossSum, lossTerms, clip.norm(), clip.clipped());
    }

    /** The live parameter vector (a view: copy it before the next step if you keep it). */
    public INDArray params() { return graph.params(); }

    /** The live optimizer state vector (a view), empty for SGD. */
    public INDArray updaterState() {
        INDArray state = graph.getUpdater().getStateViewArray();
        return state == null ? Nd4j.createFromArray(new float[0]) : state;
    }
}
