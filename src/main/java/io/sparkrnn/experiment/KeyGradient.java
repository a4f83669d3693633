package io.sparkrnn.experiment;

import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.LayerWiring;
import io.sparkrnn.model.ModelSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.function.Consumer;

/**
 * How much gradient reaches the key of a {@link DistanceTask} line from the loss read k steps later, in the
 * untrained network: the L2 norm of d loss / d x_0, the key's embedding vector. The key is the only place its
 * character occurs in the line, so that row of the embedding's gradient is exactly d loss / d x_0. Measured at
 * initialisation, where training has not yet changed the picture, as the mean over lines, one line per pass.
 * (DL4J exposes no gradient with respect to a hidden state h_t; the input at step t is the nearest it exposes.)
 */
final class KeyGradient {
    private KeyGradient() { }

    static double meanNorm(RunConfig config, List<String> lines, Consumer<ComputationGraph> initialisation) {
        Vocabulary vocabulary = Vocabulary.of(DistanceTask.KEYS + DistanceTask.FILLERS);
        ComputationGraph graph = GraphFactory.build(ModelSpec.classifierFrom(config, vocabulary.size(),
                DistanceTask.KEYS.length()));
        initialisation.accept(graph);
        double sum = 0;
        for (String line : lines) {
            int[] ids = vocabulary.encode(line.substring(line.indexOf('\t') + 1));
            INDArray features = Nd4j.createFromArray(ids).castTo(graph.params().dataType()).reshape(1, ids.length);
            INDArray labels = Nd4j.zeros(graph.params().dataType(), 1, DistanceTask.KEYS.length());
            labels.putScalar(0, DistanceTask.KEYS.indexOf(line.charAt(0)), 1.0);
            graph.setInputs(features);
            graph.setLabels(labels);
            graph.computeGradientAndScore();
            INDArray embeddingGradient = graph.gradient().getGradientFor(LayerWiring.EMBEDDING + "_W");
            sum += embeddingGradient.getRow(ids[0]).norm2Number().doubleValue();
        }
        return sum / lines.size();
    }
}
