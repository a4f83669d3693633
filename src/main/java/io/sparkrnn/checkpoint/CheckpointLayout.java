package io.sparkrnn.checkpoint;

import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names inside a run folder. One place, so the writer, the reader and retention agree:
 * <pre>
 *   LATEST                         text: the name of the checkpoint folder to resume from
 *   ckpt-00000012/                 a published checkpoint: caller's files, checksums.json, _COMPLETE
 *   .ckpt-00000013.tmp-&lt;uuid&gt;/     a save in progress (or one that crashed)
 *   .ckpt-00000012.old-&lt;uuid&gt;/     a checkpoint being replaced by a retried save of the same round
 *   LATEST.tmp-&lt;uuid&gt;              LATEST being replaced
 * </pre>
 * Temp folders start with '.' so Hadoop tools and globs treat them as hidden.
 */
final class CheckpointLayout {
    static final String LATEST = "LATEST";
    static final String MANIFEST = "checksums.json";
    static final String COMPLETE = "_COMPLETE";

    private static final Pattern FOLDER = Pattern.compile("ckpt-(\\d{8,18})");
    private static final Pattern TEMP_FOLDER = Pattern.compile("\\.ckpt-(\\d{8,18})\\.(tmp|old)-[0-9a-f-]+");
    private static final Pattern LATEST_TEMP = Pattern.compile("LATEST\\.tmp-[0-9a-f-]+");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private CheckpointLayout() {
    }

    static String folderName(long round) {
        return String.format("ckpt-%08d", round);
    }

    static String tempFolderName(long round) {
        return "." + folderName(round) + ".tmp-" + UUID.randomUUID();
    }

    /** Where a checkpoint goes while a retried save of its round replaces it. */
    static String retiredFolderName(long round) {
        return "." + folderName(round) + ".old-" + UUID.randomUUID();
    }

    /** The round of a {@code ckpt-NNNNNNNN} folder name, or empty for any other name. */
    static OptionalLong roundOf(String name) {
        return parse(FOLDER.matcher(name));
    }

    /** The round of a temp or retired folder name, or empty for any other name. */
    static OptionalLong tempRoundOf(String name) {
        return parse(TEMP_FOLDER.matcher(name));
    }

    static boolean isLatestTemp(String name) {
        return LATEST_TEMP.matcher(name).matches();
    }

    private static OptionalLong parse(Matcher m) {
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /**
     * A caller's file name must be a plain name that survives every Hadoop file system: no '/' or ':'
     * (Hadoop paths would read a scheme), no leading '.' or '_' (Hadoop tools treat those as hidden or
     * metadata, and our own markers use them).
     */
    static void checkFileName(String name) {
        if (name == null || !FILE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("checkpoint file name must be 1-200 characters of [A-Za-z0-9._-] "
                    + "starting with a letter or digit, got " + (name == null ? "null" : "\"" + name + "\""));
        }
        if (name.equals(MANIFEST)) {
            throw new IllegalArgumentException("checkpoint file name \"" + name + "\" is reserved for the checksums the store writes itself");
        }
        if (name.equals(LATEST)) {
            throw new IllegalArgumentException("checkpoint file name \"" + name + "\" is reserved (it names the latest checkpoint in the run folder)");
        }
    }
}
