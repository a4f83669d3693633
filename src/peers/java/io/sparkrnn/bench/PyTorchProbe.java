package io.sparkrnn.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import io.sparkrnn.model.CellType;
import io.sparkrnn.model.Connections;
import io.sparkrnn.model.ModelSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The harness's workload trained by PyTorch 2.7 on the CPU through DJL: embedding -> L x LSTM (or GRU) -> linear
 * -> softmax cross-entropy, Adam, the same batch, sequence, vocabulary and sizes as ours, the gradient clipped by
 * its global L2 norm as ours is. PyTorch's recurrent layers are its fused CPU kernels ({@code torch.lstm}); their
 * two bias vectors per layer (b_ih, b_hh) are the only difference in the parameters. Threads come from
 * {@code -Dai.djl.pytorch.num_threads}, fixed when the engine loads (one JVM per thread setting).
 */
public final class PyTorchProbe implements PeerProbe {
    private static final float MAX_GRAD_NORM = 1.0f;

    @Override
    public Map<String, Object> run(ReplicaCase workload, int warmupSteps, int rounds, int stepsPerRound) {
        ModelSpec spec = workload.spec;
        if (spec.connections() != Connections.NONE || spec.cell() == CellType.RNN) {
            throw new IllegalArgumentException("the PyTorch peer trains plain LSTM and GRU stacks, not " + workload.describe());
        }
        Engine engine = Engine.getEngine("PyTorch");
        double gemm = Stats.median(gemm(engine, 1024, 3, 0.5));
        try (Model model = Model.newInstance("peer", "PyTorch")) {
            model.setBlock(network(spec));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Adam.builder()
                            .optLearningRateTracker(Tracker.fixed((float) spec.updater().learningRate())).build())
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(workload.batchSize, ReplicaCase.SEQ_LENGTH));
                long[][][] batches = batches(workload, 4);
                int[] next = {0};
                Runnable step = () -> step(trainer, workload, batches[next[0]++ % batches.length]);
                for (int i = 0; i < warmupSteps; i++) {
                    step.run();
                }
                double tokensPerRound = (double) stepsPerRound * workload.batchSize * ReplicaCase.SEQ_LENGTH;
                double[] rate = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < stepsPerRound; i++) {
                        step.run();
                    }
                    rate[r] = tokensPerRound / ((System.nanoTime() - start) / 1e9);
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("case", workload.name);
                result.put("flopsPerToken", spec.trainingFlopsPerToken());
                result.put("gemmGflops", gemm);
                result.put("peerTokensPerSecond", Stats.median(rate));
                result.put("peerBestTokensPerSecond", Stats.best(rate));
                result.put("peer", "PyTorch " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ")");
                result.put("threads", "torch threads " + System.getProperty("ai.djl.pytorch.num_threads", "(default)")
                        + "; OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
                result.put("load", LoadAverage.now());
                return result;
            }
        }
    }

    private static Block network(ModelSpec spec) {
        SequentialBlock net = new SequentialBlock();
        net.add(new TokenEmbedding(spec.vocabSize(), spec.embeddingSize()));
        if (spec.cell() == CellType.LSTM) {
            net.add(LSTM.builder().setStateSize(spec.hiddenSize()).setNumLayers(spec.layers()).optBatchFirst(true)
                    .optReturnState(false).build());
        } else {
            net.add(GRU.builder().setStateSize(spec.hiddenSize()).setNumLayers(spec.layers()).optBatchFirst(true)
                    .optReturnState(false).build());
        }
        net.add(Linear.builder().setUnits(spec.vocabSize()).build());
        return net;
    }

    /** One training step: forward, loss, backward, global-norm clip, Adam; every intermediate freed with its manager. */
    private static void step(Trainer trainer, ReplicaCase workload, long[][] batch) {
        int b = workload.batchSize;
        int t = ReplicaCase.SEQ_LENGTH;
        try (NDManager step = trainer.getManager().newSubManager()) {
            NDArray inputs = step.create(batch[0], new Shape(b, t));
            NDArray targets = step.create(batch[1], new Shape((long) b * t));
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(inputs)).singletonOrThrow();
                NDArray loss = trainer.getLoss().evaluate(new NDList(targets),
                        new NDList(logits.reshape(-1, workload.spec.vocabSize())));
                collector.backward(loss);
            }
            clipByGlobalNorm(trainer, step);
            trainer.step();
        }
    }

    private static void clipByGlobalNorm(Trainer trainer, NDManager step) {
        NDArray sumOfSquares = step.zeros(new Shape());
        for (Parameter p : trainer.getModel().getBlock().getParameters().values()) {
            NDArray g = p.getArray().getGradient();
            g.attach(step);
            sumOfSquares = sumOfSquares.add(g.square().sum());
        }
        float norm = (float) Math.sqrt(sumOfSquares.getFloat());
        if (norm > MAX_GRAD_NORM) {
            float scale = MAX_GRAD_NORM / norm;
            for (Parameter p : trainer.getModel().getBlock().getParameters().values()) {
                NDArray g = p.getArray().getGradient();
                g.attach(step);
                g.muli(scale);
            }
        }
    }

    /** Random token ids and targets, as the harness gives ours: the values do not change the cost, the shapes do. */
    private static long[][][] batches(ReplicaCase workload, int count) {
        Random random = new Random(7);
        int tokens = workload.batchSize * ReplicaCase.SEQ_LENGTH;
        long[][][] batches = new long[count][2][tokens];
        for (long[][] batch : batches) {
            for (int j = 0; j < tokens; j++) {
                batch[0][j] = random.nextInt(workload.spec.vocabSize());
                batch[1][j] = random.nextInt(workload.spec.vocabSize());
            }
        }
        return batches;
    }

    /** PyTorch's float GEMM n x n x n (torch.matmul) in this JVM's thread setting, GFLOP/s per timed window. */
    private static double[] gemm(Engine engine, int n, int repeats, double seconds) {
        double[] gflops = new double[repeats + 1];
        try (NDManager manager = engine.newBaseManager()) {
            NDArray a = manager.randomUniform(0f, 1f, new Shape(n, n), DataType.FLOAT32);
            NDArray b = manager.randomUniform(0f, 1f, new Shape(n, n), DataType.FLOAT32);
            for (int r = 0; r <= repeats; r++) {
                long start = System.nanoTime();
                long deadline = start + (long) (seconds * 1e9);
                int calls = 0;
                do {
                    a.matMul(b).close();
                    calls++;
                } while (System.nanoTime() < deadline);
                gflops[r] = 2.0 * n * n * (double) n * calls / ((System.nanoTime() - start) / 1e9) / 1e9;
            }
        }
        return java.util.Arrays.copyOfRange(gflops, 1, gflops.length);
    }

    /** A plain lookup-table embedding over token ids (torch.embedding), as DL4J's EmbeddingSequenceLayer. */
    private static final class TokenEmbedding extends AbstractBlock {
        private final long embeddingSize;
        private final Parameter weight;

        TokenEmbedding(long vocabulary, long embeddingSize) {
            this.embeddingSize = embeddingSize;
            this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(vocabulary, embeddingSize)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray ids = inputs.singletonOrThrow();
            return Embedding.embedding(ids, store.getValue(weight, ids.getDevice(), training), SparseFormat.DENSE);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[]{inputShapes[0].add(embeddingSize)};
        }
    }
}
