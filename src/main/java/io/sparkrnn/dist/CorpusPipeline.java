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
import java.util.function.Supplier;

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
        // A piece of at most 4 bytes per block character holds at most one block: memory stays bounded by blocks.
        CorpusQuality quality = CorpusQuality.register(sc);
        JavaRDD<String> blocks = CorpusSource.pieces(sc, config.get(Options.CORPUS), replicas, 4 * blockSize, quality)
                .mapPartitions(pieces -> new TextBlocks(pieces, blockSize))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            Map<Integer, Long> counts = countCodePoints(blocks);
            quality.warnAboutSuspiciousFiles(); // the count read every file
            if (counts.keySet().stream().allMatch(Character::isWhitespace)) {
                throw new CorpusError("corpus " + config.get(Options.CORPUS) + " has no text (it is empty or only blank lines)");
            }
            Vocabulary corpusVocabulary = Vocabulary.fromCounts(counts, config.get(Options.MIN_CHAR_COUNT));
            Vocabulary vocabulary = fixedVocabulary != null ? fixedVocabulary : corpusVocabulary;
            long unknown = counts.entrySet().stream()
                    .filter(e -> vocabulary.id(e.getKey()) == Vocabulary.UNK).mapToLong(Map.Entry::getValue).sum();

            HeldOutSplit split = new HeldOutSplit(config.get(Options.SEED), config.get(Options.VALIDATION_FRACTION));
            JavaRDD<WindowShard> train = shards(windows(blocks.filter(b -> !split.isHeldOut(b)), vocabulary, seqLength),
                    seqLength + 1, replicas, Long.MAX_VALUE);
            String fewer = "windows of " + (seqLength + 1) + " characters";
            String advice = "a shorter model.seqLength";
            return unpersistOnFailure(train, () -> {
                long trainWindows = requireWindows(train, "training " + fewer, replicas, advice);
                ValidationShards validation = ValidationShards.deal(windows(blocks.filter(split::isHeldOut),
                        vocabulary, seqLength), seqLength + 1, replicas, config.get(Options.EVAL_MAX_WINDOWS),
                        "validation " + fewer, advice + " or a larger data.validationFraction");
                return new PreparedCorpus(vocabulary, corpusVocabulary, null, train, validation.shards(), trainWindows,
                        validation.windows(), unknown);
            });
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

    private static JavaRDD<int[]> windows(JavaRDD<String> blocks, Vocabulary vocabulary, int seqLength) {
        return blocks.flatMap(block -> Windows.of(vocabulary.encode(block), seqLength).iterator());
    }

    /**
     * Windows of {@code windowLength} ints dealt to R persisted shards by their global index (the first
     * {@code maxWindows} only), each shard in index order: the same data for the same corpus, config and R.
     */
    static JavaRDD<WindowShard> shards(JavaRDD<int[]> windows, int windowLength, int replicas, long maxWindows) {
        JavaPairRDD<Long, int[]> indexed = windows
                .zipWithIndex()
                .filter(pair -> pair._2() < maxWindows)
                .mapToPair(Tuple2::swap);
        return indexed.partitionBy(new ModuloPartitioner(replicas))
                .mapPartitions(part -> {
                    List<Tuple2<Long, int[]>> ordered = new ArrayList<>();
                    part.forEachRemaining(ordered::add);
                    ordered.sort(Comparator.comparingLong(Tuple2::_1));
                    List<int[]> packed = new ArrayList<>(ordered.size());
                    ordered.forEach(w -> packed.add(w._2()));
                    return Collections.singletonList(WindowShard.pack(packed, windowLength)).iterator();
                }, true)
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * {@code next}, computed while {@code persisted} is cached; should it fail (a check of the corpus, a failed job),
     * {@code persisted} is released first, for the caller's SparkContext may live on.
     */
    static <T> T unpersistOnFailure(JavaRDD<?> persisted, Supplier<T> next) {
        try {
            return next.get();
        } catch (RuntimeException | Error e) {
            persisted.unpersist(false);
            throw e;
        }
    }

    /** @param what "training windows of N characters" and the like; {@code advice} ends the list of fixes */
    static long requireWindows(JavaRDD<WindowShard> shards, String what, int replicas, String advice) {
        List<Integer> sizes = shards.map(WindowShard::size).collect();
        long total = sizes.stream().mapToLong(Integer::longValue).sum();
        if (sizes.stream().anyMatch(size -> size == 0)) {
            throw new CorpusError("the corpus gives " + total + " " + what + ", fewer than one per replica ("
                    + replicas + " replicas); use a larger corpus, fewer replicas (master.replicas) or " + advice);
        }
        return total;
    }
}
