package io.sparkrnn.dist;

import io.sparkrnn.config.ConfigOption;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.data.Vocabulary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Whether a checkpoint can continue under the current configuration and corpus. Another model shape,
 * optimizer kind or vocabulary cannot (exit code 4, naming what differs and how to fix it); other changed
 * settings can, but make the run differ from its uninterrupted self, so they are reported.
 */
final class CheckpointCompatibility {
    /** Keys that decide the parameter tensors' shapes. */
    static final List<ConfigOption<?>> SHAPE = List.of(Options.TASK, Options.CELL, Options.LAYERS, Options.HIDDEN_SIZE,
            Options.EMBEDDING_SIZE, Options.CONNECTIONS, Options.BIDIRECTIONAL, Options.BIDIRECTIONAL_MERGE,
            Options.POOLING);
    /** Keys that decide the layout of the optimizer states a resume restores. */
    static final List<ConfigOption<?>> OPTIMIZER_STATE = List.of(Options.UPDATER, Options.OUTER);
    /** Keys that may change between a run and its resume without changing what is trained. */
    private static final List<String> FREE = List.of("run.id", "train.rounds", "checkpoint.", "eval.", "sample.", "log.",
            "master.aggregationSlices");
    private static final int SHOWN_CHARACTERS = 12;

    private CheckpointCompatibility() { }

    /** Throws a RunError (exit 4) listing every key of {@code keys} whose value differs. */
    static void requireSame(List<ConfigOption<?>> keys, RunConfig checkpoint, RunConfig now, String checkpointUri,
                            String advice) {
        List<String> differences = keys.stream()
                .filter(key -> !Objects.equals(checkpoint.get(key), now.get(key)))
                .map(key -> key.key() + " is " + checkpoint.get(key) + " in the checkpoint but " + now.get(key)
                        + " in the config")
                .collect(Collectors.toList());
        if (!differences.isEmpty()) {
            String fix = keys.stream().filter(key -> !Objects.equals(checkpoint.get(key), now.get(key)))
                    .map(key -> "--set " + key.key() + "=" + checkpoint.get(key)).collect(Collectors.joining(" "));
            throw new RunError(ExitCodes.CHECKPOINT, "checkpoint " + checkpointUri + " does not fit the config: "
                    + String.join("; ", differences) + ". " + advice + " (" + fix + ")");
        }
    }

    /** Throws a RunError (exit 4) when the corpus gives another vocabulary than the one the run was trained with. */
    static void requireSameVocabulary(Vocabulary checkpoint, Vocabulary corpus, String checkpointUri) {
        if (checkpoint.equals(corpus)) {
            return;
        }
        throw new RunError(ExitCodes.CHECKPOINT, "the corpus gives another vocabulary than checkpoint " + checkpointUri
                + " was trained with: " + describeDifference(checkpoint, corpus) + ". Resume with the corpus and "
                + "data.minCharCount the run started with, or start a new run.id with --init-from " + checkpointUri
                + " to continue on this corpus (characters the checkpoint lacks become <unk>)");
    }

    /** The settings that changed although a resume would ideally keep them, as "key: old -> new". */
    static List<String> changedSettings(RunConfig checkpoint, RunConfig now) {
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Object> entry : now.asMap().entrySet()) {
            String key = entry.getKey();
            Object before = checkpoint.asMap().get(key);
            if (FREE.stream().noneMatch(key::startsWith) && !Objects.equals(before, entry.getValue())) {
                changed.add(key + ": " + before + " -> " + entry.getValue());
            }
        }
        return changed;
    }

    private static String describeDifference(Vocabulary checkpoint, Vocabulary corpus) {
        List<String> parts = new ArrayList<>();
        String added = symbolsMissingFrom(checkpoint, corpus);
        String dropped = symbolsMissingFrom(corpus, checkpoint);
        if (!added.isEmpty()) {
            parts.add("the corpus has characters the checkpoint lacks: " + added);
        }
        if (!dropped.isEmpty()) {
            parts.add("the checkpoint has characters the corpus gives no more (or fewer than data.minCharCount times): "
                    + dropped);
        }
        return String.join("; ", parts);
    }

    /** Up to a few of {@code from}'s symbols that {@code other} lacks, quoted, with the total count. */
    private static String symbolsMissingFrom(Vocabulary other, Vocabulary from) {
        List<String> missing = IntStream.range(1, from.size())
                .mapToObj(from::symbol)
                .filter(symbol -> other.id(symbol.codePointAt(0)) == Vocabulary.UNK)
                .collect(Collectors.toList());
        if (missing.isEmpty()) {
            return "";
        }
        String shown = missing.stream().limit(SHOWN_CHARACTERS).map(CheckpointCompatibility::quote)
                .collect(Collectors.joining(" "));
        return missing.size() + " (" + shown + (missing.size() > SHOWN_CHARACTERS ? " ..." : "") + ")";
    }

    private static String quote(String symbol) {
        int cp = symbol.codePointAt(0);
        return Character.isWhitespace(cp) || Character.isISOControl(cp)
                ? String.format("U+%04X", cp) : "'" + symbol + "'";
    }
}
