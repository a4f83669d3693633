package io.sparkrnn.bench;

import io.sparkrnn.model.Connections;
import io.sparkrnn.model.ModelSpec;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The "stock DL4J" baseline: a plain DL4J ComputationGraph with DL4J's own embedding, LSTM, RnnOutputLayer and Adam,
 * trained with {@code fit}; nothing of spark-rnn's (no fused layer, no clipping listener). Plain stacks and dense
 * connections (a MergeVertex of the embedding and every earlier layer) are built; float32 and workspaces, as
 * DL4J's defaults.
 */
final class StockDl4jGraph {
    private StockDl4jGraph() { }

    static ComputationGraph build(ModelSpec spec) {
        if (spec.connections() == Connections.RESIDUAL || spec.connections() == Connections.HIGHWAY) {
            throw new IllegalArgumentException("the stock baseline builds plain and dense stacks, not "
                    + spec.connections().name().toLowerCase(Locale.ROOT) + " ones");
        }
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(spec.seed()).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER)
                .updater(new Adam(spec.updater().learningRate()))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED).inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder().addInputs("tokens");
        g.addLayer("embedding", new EmbeddingSequenceLayer.Builder().nIn(spec.vocabSize())
                .nOut(spec.embeddingSize()).inferInputLength(true).outputDataFormat(RNNFormat.NCW).build(), "tokens");
        boolean dense = spec.connections() == Connections.DENSE;
        List<String> outputs = new ArrayList<>();
        String previous = "embedding";
        int previousSize = spec.embeddingSize();
        for (int layer = 1; layer <= spec.layers(); layer++) {
            String input = previous;
            int inputSize = previousSize;
            if (dense && layer > 1) {
                List<String> merged = new ArrayList<>(List.of("embedding"));
                merged.addAll(outputs);
                input = "merge" + layer;
                g.addVertex(input, new MergeVertex(), merged.toArray(new String[0]));
                inputSize = spec.embeddingSize() + (layer - 1) * spec.hiddenSize();
            }
            String name = "lstm" + layer;
            g.addLayer(name, new LSTM.Builder().nIn(inputSize).nOut(spec.hiddenSize()).activation(Activation.TANH)
                    .gateActivationFunction(Activation.SIGMOID).dataFormat(RNNFormat.NCW).build(), input);
            outputs.add(name);
            previous = name;
            previousSize = spec.hiddenSize();
        }
        String softmaxInput = previous;
        int softmaxInputSize = previousSize;
        if (dense) {
            softmaxInput = "merge_out";
            g.addVertex(softmaxInput, new MergeVertex(), outputs.toArray(new String[0]));
            softmaxInputSize = spec.layers() * spec.hiddenSize();
        }
        g.addLayer("softmax", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .nIn(softmaxInputSize).nOut(spec.vocabSize()).dataFormat(RNNFormat.NCW).build(), softmaxInput);
        ComputationGraph graph = new ComputationGraph(g.setOutputs("softmax").build());
        graph.init();
        return graph;
    }
}
