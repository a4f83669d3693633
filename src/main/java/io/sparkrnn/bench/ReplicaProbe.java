package io.sparkrnn.bench;

import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.model.FastLstm;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.train.BatchTensors;
import io.sparkrnn.train.ReplicaTrainer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Single-replica training throughput: our training step ({@link ReplicaTrainer} on a {@link GraphFactory} graph:
 * fused layers, global-norm clipping, Adam) against stock DL4J ({@link StockDl4jGraph}, {@code fit}) on the same
 * model and batch shape. The two are timed in alternating windows in the same JVM, so that a noisy neighbour on
 * a shared machine slows both alike and the ratio stays meaningful.
 */
final class ReplicaProbe {
    private final ReplicaCase workload;
    private final int warmupSteps;
    private final int rounds;
    private final int stepsPerRound;

    private final boolean withStock;
    private final boolean withDl4jLayer;

    ReplicaProbe(ReplicaCase workload, int warmupSteps, int rounds, int stepsPerRound, boolean withStock,
                 boolean withDl4jLayer) {
        this.workload = workload;
        this.withStock = withStock;
        this.withDl4jLayer = withDl4jLayer && workload.hasStockBaseline();
        this.warmupSteps = warmupSteps;
        this.rounds = rounds;
        this.stepsPerRound = stepsPerRound;
    }

    Map<String, Object> run() {
        // The GEMM figure of this JVM, its thread settings and this moment: what "fraction of GEMM" divides by.
        double gemm = Stats.median(GemmProbe.measure(1024, 3, 0.5));
        MiniBatch[] batches = randomBatches(workload, 4);
        ReplicaTrainer ours = new ReplicaTrainer(GraphFactory.build(workload.spec), workload.spec, 1.0,
                ReplicaCase.SEQ_LENGTH);
        Runnable oursStep = stepper(batches, ours::step);
        Runnable stockStep = null;
        if (withStock && workload.hasStockBaseline()) {
            ComputationGraph stock = StockDl4jGraph.build(workload.spec);
            MultiDataSet[] tensors = new MultiDataSet[batches.length];
            for (int i = 0; i < batches.length; i++) {
                tensors[i] = BatchTensors.of(batches[i], workload.spec.vocabSize());
            }
            stockStep = stepper(tensors, stock::fit);
        }
        // Our training step with DL4J's LSTM layer instead of the fused one: what the fused layer alone buys.
        Runnable dl4jLayerStep = null;
        if (withDl4jLayer) {
            ReplicaTrainer withDl4jLstm = new ReplicaTrainer(withDl4jLstm(workload), workload.spec, 1.0,
                    ReplicaCase.SEQ_LENGTH);
            dl4jLayerStep = stepper(batches, withDl4jLstm::step);
        }
        repeat(oursStep, warmupSteps);
        repeat(stockStep, warmupSteps);
        repeat(dl4jLayerStep, warmupSteps);

        double tokensPerRound = (double) stepsPerRound * workload.batchSize * ReplicaCase.SEQ_LENGTH;
        double[] oursRate = new double[rounds];
        double[] stockRate = new double[rounds];
        double[] ratio = new double[rounds];
        double[] dl4jLayerRate = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            oursRate[r] = tokensPerRound / time(oursStep);
            if (stockStep != null) {
                stockRate[r] = tokensPerRound / time(stockStep);
                ratio[r] = oursRate[r] / stockRate[r];
            }
            if (dl4jLayerStep != null) {
                dl4jLayerRate[r] = tokensPerRound / time(dl4jLayerStep);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("case", workload.name);
        result.put("flopsPerToken", workload.spec.trainingFlopsPerToken());
        result.put("gemmGflops", gemm);
        result.put("oursTokensPerSecond", Stats.median(oursRate));
        result.put("oursBestTokensPerSecond", Stats.best(oursRate));
        if (stockStep != null) {
            result.put("stockTokensPerSecond", Stats.median(stockRate));
            result.put("stockBestTokensPerSecond", Stats.best(stockRate));
            result.put("ratio", Stats.median(ratio));
        }
        if (dl4jLayerStep != null) {
            result.put("oursWithDl4jLstmTokensPerSecond", Stats.median(dl4jLayerRate));
        }
        result.put("load", LoadAverage.now());
        return result;
    }

    /** Our graph for the workload with every FastLstm replaced by DL4J's LSTM (same settings, same parameters). */
    static ComputationGraph withDl4jLstm(ReplicaCase workload) {
        String json = GraphFactory.configuration(workload.spec).toJson()
                .replace("\"" + FastLstm.class.getName() + "\"", "\"" + LSTM.class.getName() + "\"");
        ComputationGraph graph = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
        graph.init();
        return graph;
    }

    private double time(Runnable step) {
        long start = System.nanoTime();
        repeat(step, stepsPerRound);
        return (System.nanoTime() - start) / 1e9;
    }

    private static void repeat(Runnable step, int times) {
        for (int i = 0; step != null && i < times; i++) {
            step.run();
        }
    }

    private static <T> Runnable stepper(T[] inputs, java.util.function.Consumer<T> step) {
        int[] next = {0};
        return () -> step.accept(inputs[next[0]++ % inputs.length]);
    }

    /** Random text-like batches: the tokens do not change the cost, the shapes do. */
    static MiniBatch[] randomBatches(ReplicaCase workload, int count) {
        Random random = new Random(7);
        int tokens = workload.batchSize * ReplicaCase.SEQ_LENGTH;
        MiniBatch[] batches = new MiniBatch[count];
        for (int i = 0; i < count; i++) {
            int[] inputs = new int[tokens];
            int[] targets = new int[tokens];
            for (int j = 0; j < tokens; j++) {
                inputs[j] = random.nextInt(workload.spec.vocabSize());
                targets[j] = random.nextInt(workload.spec.vocabSize());
            }
            batches[i] = new MiniBatch(workload.batchSize, ReplicaCase.SEQ_LENGTH, inputs, targets);
        }
        return batches;
    }
}
