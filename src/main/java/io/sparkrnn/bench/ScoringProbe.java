package io.sparkrnn.bench;

import io.sparkrnn.data.MiniBatch;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.ml.LanguageModelScorer;
import io.sparkrnn.ml.WindowMode;
import io.sparkrnn.model.GraphFactory;
import io.sparkrnn.train.ReplicaTrainer;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Forward-only scoring against training on the same model, in one JVM and one thread setting, timed in alternating
 * windows: our training step ({@link ReplicaTrainer}, batch and sequence of the workload) and the scoring path the
 * executors run ({@link LanguageModelScorer} on a network built for forward passes only), on lines several windows
 * long, at a few batch sizes. Tokens are predicted characters in both; per core is tokens/s over the BLAS threads.
 */
final class ScoringProbe {
    /** Characters per scored line: 4 windows of 64, the state carried across them. */
    static final int LINE_LENGTH = 4 * ReplicaCase.SEQ_LENGTH + 1;

    private final ReplicaCase workload;
    private final int[] batchSizes;
    private final int lines;
    private final int warmup;
    private final int rounds;
    private final int trainingSteps;
    private final int threads;

    ScoringProbe(ReplicaCase workload, int[] batchSizes, int lines, int warmup, int rounds, int trainingSteps,
                 int threads) {
        this.workload = workload;
        this.batchSizes = batchSizes;
        this.lines = lines;
        this.warmup = warmup;
        this.rounds = rounds;
        this.trainingSteps = trainingSteps;
        this.threads = threads;
    }

    Map<String, Object> run() {
        MiniBatch[] batches = ReplicaProbe.randomBatches(workload, 4);
        ReplicaTrainer trainer = new ReplicaTrainer(GraphFactory.build(workload.spec), workload.spec, 1.0,
                ReplicaCase.SEQ_LENGTH);
        int[] next = {0};
        Runnable train = () -> trainer.step(batches[next[0]++ % batches.length]);
        ComputationGraph network = GraphFactory.build(workload.spec);
        network.setParams(trainer.params().dup());
        Vocabulary vocabulary = vocabulary(workload.spec.vocabSize());
        List<String> text = lines(vocabulary, lines);
        List<Runnable> scorers = new ArrayList<>();
        for (int batchSize : batchSizes) {
            LanguageModelScorer scorer = new LanguageModelScorer(network, vocabulary, ReplicaCase.SEQ_LENGTH,
                    WindowMode.CARRY, batchSize);
            scorers.add(() -> scorer.score(text));
        }
        for (int i = 0; i < warmup; i++) {
            train.run();
            scorers.forEach(Runnable::run);
        }
        double trainingTokens = (double) trainingSteps * workload.batchSize * ReplicaCase.SEQ_LENGTH;
        double scoringTokens = (double) lines * (LINE_LENGTH - 1);
        double[] trainRate = new double[rounds];
        double[][] scoreRate = new double[batchSizes.length][rounds];
        for (int r = 0; r < rounds; r++) {
            trainRate[r] = trainingTokens / seconds(train, trainingSteps);
            for (int b = 0; b < batchSizes.length; b++) {
                scoreRate[b][r] = scoringTokens / seconds(scorers.get(b), 1);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("case", workload.name);
        result.put("threads", threads);
        result.put("trainingBatch", workload.batchSize);
        result.put("trainingTokensPerSecondPerCore", Stats.median(trainRate) / threads);
        Map<String, Double> scoring = new LinkedHashMap<>();
        for (int b = 0; b < batchSizes.length; b++) {
            scoring.put(String.valueOf(batchSizes[b]), Stats.median(scoreRate[b]) / threads);
        }
        result.put("scoringTokensPerSecondPerCore", scoring);
        result.put("load", LoadAverage.now());
        return result;
    }

    private static double seconds(Runnable work, int times) {
        long start = System.nanoTime();
        for (int i = 0; i < times; i++) {
            work.run();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** {@code size} symbols: {@code <unk>} and printable ASCII from '!'. */
    private static Vocabulary vocabulary(int size) {
        StringBuilder symbols = new StringBuilder();
        for (int i = 0; i < size - 1; i++) {
            symbols.append((char) ('!' + i));
        }
        return Vocabulary.of(symbols.toString());
    }

    /** Random lines over the vocabulary: the characters do not change the cost, the shapes do. */
    private static List<String> lines(Vocabulary vocabulary, int count) {
        Random random = new Random(11);
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder line = new StringBuilder(LINE_LENGTH);
            for (int c = 0; c < LINE_LENGTH; c++) {
                line.append(vocabulary.symbol(1 + random.nextInt(vocabulary.size() - 1)));
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
