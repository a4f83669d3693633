package io.sparkrnn.dist;

import java.util.Locale;

/** Byte counts as people read them in messages: 1.5 GB, 257 MB, 64 KB (powers of 1024, like Spark's settings). */
final class Bytes {
    private Bytes() { }

    static String format(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.0f MB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.0f KB", Math.ceil(bytes / 1024.0));
    }
}
