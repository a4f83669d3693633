package io.sparkrnn.experiment;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.BatchTensors;
import io.sparkrnn.train.ReplicaTrainer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.Random;
import java.util.function.Consumer;

/**
 * Whether clipping keeps the gradient's direction: the cosine between the step the replica's trainer actually
 * applies (parameters before minus after one SGD step, with the run's clipping) and the raw gradient of the same
 * minibatch. Global-norm clipping scales the whole vector, so the cosine is 1; per-layer clipping scales each
 * layer by its own factor, so it is below 1 whenever the limit binds on layers of different gradient norms.
 * Measured at the run's initial parameters on several minibatches of the corpus.
 */
final class ClippedStepDirection {
    private ClippedStepDirection() { }

    /** The mean cosine over {@code batches} minibatches, each stepped from the same initial parameters. */
    static double meanCosine(RunConfig config, String text, int batches, Consumer<ComputationGraph> initialisation) {
        Vocabulary vocabulary = Vocabulary.of(text);
        int[] ids = vocabulary.encode(text);
        ModelSpec spec = ModelSpec.from(config, vocabulary.size());
        ComputationGraph graph = GraphFactory.build(spec);
        initialisation.accept(graph);
        int seqLength = config.get(Options.SEQ_LENGTH);
        ReplicaTrainer trainer = new ReplicaTrainer(graph, spec, config.get(Options.MAX_GRAD_NORM), seqLength);
        INDArray initial = graph.params().dup();
        Random random = new Random(config.get(Options.SEED));
        double sum = 0;
        for (int b = 0; b < batches; b++) {
            MiniBatch batch = windows(ids, config.get(Options.BATCH_SIZE), seqLength, random);
            MultiDataSet data = BatchTensors.of(batch, vocabulary.size());
            trainer.load(initial, null, 0);
            graph.setInputs(data.getFeatures());
            graph.setLabels(data.getLabels());
            // DL4J applies neither our listener's nor its own per-layer clipping here: the raw gradient.
            graph.computeGradientAndScore();
            INDArray raw = graph.getFlattenedGradients().dup();
            trainer.step(data, batch.tokens());
            INDArray applied = initial.sub(graph.params());
            sum += applied.mul(raw).sumNumber().doubleValue()
                    / (applied.norm2Number().doubleValue() * raw.norm2Number().doubleValue());
        }
        return sum / batches;
    }

    private static MiniBatch windows(int[] ids, int size, int seqLength, Random random) {
        int[] inputs = new int[size * seqLength];
        int[] targets = new int[size * seqLength];
        for (int row = 0; row < size; row++) {
            int start = random.nextInt(ids.length - seqLength - 1);
            System.arraycopy(ids, start, inputs, row * seqLength, seqLength);
            System.arraycopy(ids, start + 1, targets, row * seqLength, seqLength);
        }
        return new MiniBatch(size, seqLength, inputs, targets);
    }
}
