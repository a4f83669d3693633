package io.sparkrnn.dist;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.AccumulatorV2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts, per corpus file, its characters and those that are undecodable bytes (U+FFFD) or control characters
 * other than line ends and tabs, as the corpus is read; a file where more than {@value #SUSPICIOUS_PERCENT}% of
 * them are such is binary, or text in an encoding that is not UTF-8 (nor UTF-16 with its byte-order mark), and
 * would train as mostly {@code <unk>}: the driver warns, naming it. Counted from inside a transformation, so a
 * recomputed partition may count twice; the shares, all that is reported, stay the same.
 */
public final class CorpusQuality extends AccumulatorV2<CorpusQuality.Count, Map<String, CorpusQuality.Count>> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CorpusQuality.class);
    static final double SUSPICIOUS_PERCENT = 1.0;

    private final Map<String, Count> files = new TreeMap<>();

    /** A new accumulator, registered with {@code sc}. */
    static CorpusQuality register(JavaSparkContext sc) {
        CorpusQuality quality = new CorpusQuality();
        sc.sc().register(quality);
        return quality;
    }

    /** Counts one piece of text of {@code file}. */
    void count(String file, String text) {
        long suspicious = text.codePoints().filter(CorpusQuality::suspicious).count();
        add(new Count(file, text.codePointCount(0, text.length()), suspicious));
    }

    private static boolean suspicious(int cp) {
        return cp == 0xFFFD || (Character.isISOControl(cp) && cp != '\n' && cp != '\t' && cp != '\r' && cp != '\f');
    }

    /** One warning per file over the share, naming it; empty when every file reads as text. */
    List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (Count c : value().values()) {
            double percent = c.characters == 0 ? 0 : 100.0 * c.suspicious / c.characters;
            if (percent > SUSPICIOUS_PERCENT) {
                warnings.add(String.format(Locale.ROOT, "corpus file %s: %.1f%% of its %,d characters are undecodable "
                        + "bytes or control characters: it looks binary, or text in an encoding other than UTF-8 or "
                        + "UTF-16 with a byte-order mark; they are read as <unk>. Remove it from data.corpus, or "
                        + "convert it to UTF-8", c.file, percent, c.characters));
            }
        }
        return warnings;
    }

    /** Logs {@link #warnings()}. */
    void warnAboutSuspiciousFiles() {
        warnings().forEach(LOG::warn);
    }

    @Override
    public boolean isZero() { return files.isEmpty(); }

    @Override
    public CorpusQuality copy() {
        CorpusQuality copy = new CorpusQuality();
        copy.files.putAll(files);
        return copy;
    }

    @Override
    public void reset() { files.clear(); }

    @Override
    public void add(Count count) {
        files.merge(count.file, count, Count::plus);
    }

    @Override
    public void merge(AccumulatorV2<Count, Map<String, Count>> other) {
        other.value().values().forEach(this::add);
    }

    @Override
    public Map<String, Count> value() { return new LinkedHashMap<>(files); }

    /** Characters of a file, and how many of them are suspicious. */
    public static final class Count implements Serializable {
        private static final long serialVersionUID = 1L;
        final String file;
        final long characters;
        final long suspicious;

        Count(String file, long characters, long suspicious) {
            this.file = file;
            this.characters = characters;
            this.suspicious = suspicious;
        }

        Count plus(Count other) {
            return new Count(file, characters + other.characters, suspicious + other.suspicious);
        }

        @Override
        public String toString() { return suspicious + "/" + characters; }
    }
}
