package io.sparkrnn.dist;

import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.ExampleWindows;
import io.sparkrnn.data.HeldOutSplit;
import io.sparkrnn.data.LabeledLine;
import io.sparkrnn.data.Labels;
import io.sparkrnn.data.Vocabulary;
import io.sparkrnn.data.WindowShard;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A classification corpus ({@code label<TAB>text} lines) to persisted example shards: the lines are checked, the
 * label set and the character counts are built by distributed passes, each line is held out or not by a seeded
 * hash of its contents, and examples are dealt to replicas by their global index as the language model's windows
 * are ({@link CorpusPipeline#shards}). Texts longer than model.seqLength are cut to it.
 */
final class LabeledCorpusPipeline {
    /** A label longer than this is not looked for: the line counts as having no TAB. */
    static final int MAX_LABEL_CHARS = 1024;
    private static final int SHOWN_BAD_LINES = 3;

    private LabeledCorpusPipeline() { }

    /** @param fixedVocabulary, fixedLabels those of a checkpoint to encode with, or null to build them */
    static PreparedCorpus prepare(JavaSparkContext sc, RunConfig config, int replicas, Vocabulary fixedVocabulary,
                                  Labels fixedLabels) {
        int seqLength = config.get(Options.SEQ_LENGTH);
        List<String> corpus = config.get(Options.CORPUS);
        CorpusQuality quality = CorpusQuality.register(sc);
        JavaRDD<LabeledLine> lines = CorpusSource.lines(sc, corpus, replicas, MAX_LABEL_CHARS + 1 + seqLength, quality)
                .filter(line -> !line._2().isBlank()) // blank lines (a trailing one, paragraph gaps) are not examples
                .map(line -> LabeledLine.parse(line._2(), seqLength, line._1()))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            requireWellFormed(lines, corpus);
            quality.warnAboutSuspiciousFiles(); // the check read every file
            Labels corpusLabels = Labels.of(lines.map(LabeledLine::label).distinct().collect());
            Labels labels = fixedLabels != null ? fixedLabels : corpusLabels;
            requireKnown(corpusLabels, labels, corpus);

            Map<Integer, Long> counts = CorpusPipeline.countCodePoints(lines.map(LabeledLine::text));
            Vocabulary corpusVocabulary = Vocabulary.fromCounts(counts, config.get(Options.MIN_CHAR_COUNT));
            Vocabulary vocabulary = fixedVocabulary != null ? fixedVocabulary : corpusVocabulary;
            long unknown = counts.entrySet().stream()
                    .filter(e -> vocabulary.id(e.getKey()) == Vocabulary.UNK).mapToLong(Map.Entry::getValue).sum();

            HeldOutSplit split = new HeldOutSplit(config.get(Options.SEED), config.get(Options.VALIDATION_FRACTION));
            int windowLength = ExampleWindows.windowLength(seqLength);
            JavaRDD<WindowShard> train = CorpusPipeline.shards(
                    examples(lines.filter(line -> !split.isHeldOut(line.splitKey())), vocabulary, labels, seqLength),
                    windowLength, replicas, Long.MAX_VALUE);
            return CorpusPipeline.unpersistOnFailure(train, () -> {
                long trainExamples = CorpusPipeline.requireWindows(train, "training lines", replicas,
                        "a smaller data.validationFraction");
                ValidationShards validation = ValidationShards.deal(
                        examples(lines.filter(line -> split.isHeldOut(line.splitKey())), vocabulary, labels, seqLength),
                        windowLength, replicas, config.get(Options.EVAL_MAX_WINDOWS), "validation lines",
                        "a larger data.validationFraction");
                return new PreparedCorpus(vocabulary, corpusVocabulary, labels, train, validation.shards(),
                        trainExamples, validation.windows(), unknown);
            });
        } finally {
            lines.unpersist(false);
        }
    }

    private static JavaRDD<int[]> examples(JavaRDD<LabeledLine> lines, Vocabulary vocabulary, Labels labels,
                                           int seqLength) {
        return lines.map(line -> ExampleWindows.encode(labels.id(line.label()), vocabulary.encode(line.text()),
                seqLength));
    }

    /** Every non-blank line must be {@code label<TAB>text}: a CorpusError (exit 3) counts and shows the others. */
    private static void requireWellFormed(JavaRDD<LabeledLine> lines, List<String> corpus) {
        JavaRDD<LabeledLine> bad = lines.filter(line -> !line.isValid());
        long badCount = bad.count();
        long total = lines.count();
        if (total == 0) {
            throw new CorpusError("corpus " + corpus + " has no lines; task = classify reads lines 'label<TAB>text'");
        }
        if (badCount > 0) {
            String shown = bad.take(SHOWN_BAD_LINES).stream().map(LabeledLine::describe)
                    .collect(Collectors.joining("; "));
            throw new CorpusError(badCount + " of " + total + " lines of corpus " + corpus + " are not 'label<TAB>text' "
                    + "(first: " + shown + "). With task = classify every non-blank line must be a non-empty label, "
                    + "a TAB and a non-empty text; fix or remove those lines, or use task = lm for plain text");
        }
    }

    private static void requireKnown(Labels corpusLabels, Labels labels, List<String> corpus) {
        List<String> unknown = corpusLabels.names().stream().filter(label -> labels.id(label) < 0)
                .collect(Collectors.toList());
        if (!unknown.isEmpty()) {
            throw new RunError(ExitCodes.CHECKPOINT, "corpus " + corpus + " has labels the checkpoint was not trained "
                    + "on: " + unknown + " (it knows " + labels + "); use a corpus with the checkpoint's labels, or "
                    + "start a new run without --init-from");
        }
        if (labels.size() < 2) {
            throw new CorpusError("corpus " + corpus + " has only the label " + labels + "; a classifier needs at "
                    + "least 2 labels");
        }
    }
}
