package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.HeldOutSplit;
import io.sparkrnn.data.TextBlocks;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.data.WindowShard;
import io.sparkrnn.data.Windows;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus to persisted window shards: blocks, a distributed character count, the hashed held-out split, and
 * windows dealt to R partitions by their global index, so the data each replica sees depends only on the
 * corpus, the config and R, never on scheduling. Runs once per training run; rounds reuse the result.
 */
public final class CorpusPipeline {
    private CorpusPipeline() { }

    /** @param fixedVocabulary the vocabulary to encode with (a resumed or warm-started run), or null to build one */
    public static PreparedCorpus prepare(JavaSparkContext sc, RunConfig config, int replicas, Vocabulary fixedVocabulary) {
        int blockSize = config.get(Options.BLOCK_SIZE);
        int seqLength = config.get(Options.SEQ_LENGTH);
        JavaRDD<String> blocks = CorpusSource.lines(sc, config.get(Options.CORPUS), replicas)
                .mapPartitions(lines -> new TextBlocks(lines, blockSize))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            Map<Integer, Long> counts = countCodePoints(blocks);
            if (counts.keySet().stream().allMatch(Character::isWhitespace)) {
                throw new CorpusError("corpus " + config.get(Options.CORPUS) + " has no text (it is empty or only blank lines)");
            }
            Vocabulary vocabulary = fixedVocabulary != null ? fixedVocabulary
                    : Vocabulary.fromCounts(counts, config.get(Options.MIN_CHAR_COUNT));
            long unknown = counts.entrySet().stream()
                    .filter(e -> vocabulary.id(e.getKey()) == Vocabulary.UNK).mapToLong(Map.Entry::getValue).sum();

            HeldOutSplit split = new HeldOutSplit(config.get(Options.SEED), config.get(Options.VALIDATION_FRACTION));
            JavaRDD<WindowShard> train = shards(blocks.filter(b -> !split.isHeldOut(b)), vocabulary, seqLength,
                    replicas, Long.MAX_VALUE);
            JavaRDD<WindowShard> validation = shards(blocks.filter(split::isHeldOut), vocabulary, seqLength,
                    replicas, config.get(Options.EVAL_MAX_WINDOWS));
            long trainWindows = requireWindows(train, "training", replicas, config);
            long validationWindows = requireWindows(validation, "validation", replicas, config);
            return new PreparedCorpus(vocabulary, train, validation, trainWindows, validationWindows, unknown);
        } finally {
            blocks.unpersist(false);
        }
    }

    static Map<Integer, Long> countCodePoints(JavaRDD<String> blocks) {
        return blocks.mapPartitions(it -> {
            Map<Integer, Long> counts = new HashMap<>();
            it.forEachRemaining(block -> block.codePoints().forEach(cp -> counts.merge(cp, 1L, Long::sum)));
            return Collections.singletonList(counts).iterator();
        }).fold(new HashMap<>(), (a, b) -> { // fold, not reduce: an empty corpus must reach the caller's check
            b.forEach((cp, n) -> a.merge(cp, n, Long::sum));
            return a;
        });
    }

    private static JavaRDD<WindowShard> shards(JavaRDD<String> blocks, Vocabulary vocabulary, int seqLength,
                                               int replicas, long maxWindows) {
        JavaPairRDD<Long, int[]> indexed = blocks
                .flatMap(block -> Windows.of(vocabulary.encode(block), seqLength).iterator())
                .zipWithIndex()
                .filter(pair -> pair._2() < maxWindows)
                .mapToPair(Tuple2::swap);
        return indexed.partitionBy(new ModuloPartitioner(replicas))
                .mapPartitions(windows -> {
                    List<Tuple2<Long, int[]>> ordered = new ArrayList<>();
                    windows.forEachRemaining(ordered::add);
                    ordered.sort(Comparator.comparingLong(Tuple2::_1));
                    List<int[]> packed = new ArrayList<>(ordered.size());
                    ordered.forEach(w -> packed.add(w._2()));
                    return Collections.singletonList(WindowShard.pack(packed, seqLength + 1)).iterator();
                }, true)
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    private static long requireWindows(JavaRDD<WindowShard> shards, String what, int replicas, RunConfig config) {
        List<Integer> sizes = shards.map(WindowShard::size).collect();
        long total = sizes.stream().mapToLong(Integer::longValue).sum();
        if (sizes.stream().anyMatch(size -> size == 0)) {
            throw new CorpusError("the corpus gives " + total + " " + what + " windows of " + (config.get(Options.SEQ_LENGTH) + 1)
                    + " characters, fewer than one per replica (" + replicas + " replicas); use a larger corpus, "
                    + "fewer replicas (master.replicas), a shorter model.seqLength"
                    + ("validation".equals(what) ? " or a larger data.validationFraction" : ""));
        }
        return total;
    }
}
