package io.sparkrnn.experiment;

import io.sparkrnn.model.LayerWiring;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.SimpleRnnParamInitializer;

import java.util.function.Consumer;

/**
 * Scales the recurrent weight matrix of every vanilla RNN layer after DL4J's initialisation. Xavier gives it a
 * spectral radius near 1; a factor of a few makes the products of Jacobians across time steps blow up, the
 * setting of the lecture's exploding-gradient argument. Only the experiments need this, so it lives here
 * rather than in the model's configuration.
 */
final class RecurrentWeights {
    private RecurrentWeights() { }

    static Consumer<ComputationGraph> scaledBy(double factor, int layers) {
        return graph -> {
            for (int layer = 1; layer <= layers; layer++) {
                graph.getParam(LayerWiring.layerName(layer) + "_" + SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY)
                        .muli(factor);
            }
        };
    }
}
