package io.sparkrnn.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hooks global-norm clipping into DL4J's own training step. DL4J calls {@code onGradientCalculation} after
 * backpropagation and before the updater, with the raw gradient summed over the minibatch and over time.
 * The limit applies to the per-token mean gradient; DL4J's updater later divides by the minibatch size, so
 * one multiplication by clipScale / seqLength leaves the updater exactly the clipped per-token mean gradient.
 */
final class GlobalClippingListener extends BaseTrainingListener {
    private final double maxNorm;
    private final int seqLength;
    private GlobalNormClipper.ClipResult last;

    GlobalClippingListener(double maxNorm, int seqLength) {
        this.maxNorm = maxNorm;
        this.seqLength = seqLength;
    }

    GlobalNormClipper.ClipResult lastClip() { return last; }

    @Override
    public void onGradientCalculation(Model model) {
        ComputationGraph graph = (ComputationGraph) model;
        INDArray gradient = graph.getFlattenedGradients();
        long examples = graph.getInputs()[0].size(0);
        last = GlobalNormClipper.measure(gradient, 1.0 / (examples * (double) seqLength), maxNorm);
        gradient.muli(last.scale() / seqLength);
    }
}
