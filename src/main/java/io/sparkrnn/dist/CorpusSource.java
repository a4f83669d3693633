package io.sparkrnn.dist;

import io.sparkrnn.data.Iterators;
import io.sparkrnn.data.PieceLines;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * The corpus as an RDD of text pieces, each at most {@code maxPieceBytes} bytes of UTF-8 and ending in '\n' where
 * a line ends: Hadoop URIs (files, folders, globs) through {@link CorpusInputFormat}, so a line of any length is
 * streamed, or the copy bundled in the jar, one piece per line.
 */
public final class CorpusSource {
    public static final String BUNDLED_PREFIX = "bundled:";
    private static final String BUNDLED_RESOURCE = "/corpus/%s.txt.gz";

    private CorpusSource() { }

    /** @param quality counts each file's suspicious characters as the pieces are read (not for the bundled corpus) */
    public static JavaRDD<String> pieces(JavaSparkContext sc, List<String> uris, int minPartitions, int maxPieceBytes,
                                         CorpusQuality quality) {
        if (uris.size() == 1 && uris.get(0).startsWith(BUNDLED_PREFIX)) {
            List<String> lines = bundledLines(uris.get(0).substring(BUNDLED_PREFIX.length()));
            return sc.parallelize(lines, minPartitions).map(line -> line + "\n");
        }
        return perFile(sc, uris, minPartitions, maxPieceBytes, quality, (file, texts) -> texts);
    }

    /**
     * The corpus's lines without their '\n', each cut to its first {@code maxChars} chars, paired with the file
     * (or bundled corpus) it is in, for error messages. Lines of any length are streamed, as by {@link #pieces}.
     */
    public static JavaRDD<Tuple2<String, String>> lines(JavaSparkContext sc, List<String> uris, int minPartitions,
                                                        int maxChars, CorpusQuality quality) {
        if (uris.size() == 1 && uris.get(0).startsWith(BUNDLED_PREFIX)) {
            String uri = uris.get(0);
            return pieces(sc, uris, minPartitions, maxChars, quality)
                    .mapPartitions(pieces -> Iterators.map(new PieceLines(pieces, maxChars), line -> new Tuple2<>(uri, line)));
        }
        // Pieces of about a line's kept part: a longer line is streamed past, never held.
        return perFile(sc, uris, minPartitions, Math.max(1 << 16, 4 * maxChars), quality, (file, texts) ->
                Iterators.map(new PieceLines(texts, maxChars), line -> new Tuple2<>(file, line)));
    }

    /**
     * Each split's pieces of text, counted into {@code quality}, through {@code perSplit} with the split's file
     * (a split is part of one file).
     */
    private static <T> JavaRDD<T> perFile(JavaSparkContext sc, List<String> uris, int minPartitions, int maxPieceBytes,
                                          CorpusQuality quality, SplitTexts<T> perSplit) {
        checkExists(uris, sc.hadoopConfiguration());
        JobConf job = new JobConf(sc.hadoopConfiguration());
        FileInputFormat.setInputPaths(job, String.join(",", uris));
        job.setInt(CorpusInputFormat.MAX_RECORD_BYTES_KEY, maxPieceBytes);
        JavaHadoopRDD<LongWritable, Text> records = (JavaHadoopRDD<LongWritable, Text>)
                sc.hadoopRDD(job, CorpusInputFormat.class, LongWritable.class, Text.class, minPartitions);
        return records.mapPartitionsWithInputSplit((split, pieces) -> {
            String file = ((FileSplit) split).getPath().toString();
            return perSplit.apply(file, Iterators.map(pieces, record -> {
                String text = record._2().toString();
                quality.count(file, text);
                return text;
            }));
        }, true);
    }

    /** What becomes of one split's texts, given its file's name. */
    private interface SplitTexts<T> extends Serializable {
        Iterator<T> apply(String file, Iterator<String> texts);
    }

    /** Reads a corpus shipped inside the jar: small enough to send from the driver. */
    public static List<String> bundledLines(String name) {
        InputStream stream = CorpusSource.class.getResourceAsStream(String.format(BUNDLED_RESOURCE, name));
        if (stream == null) {
            throw new CorpusError("no bundled corpus named '" + name + "'; the jar ships 'bundled:moby-dick'");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(stream), StandardCharsets.UTF_8))) {
            return reader.lines().collect(Collectors.toList());
        } catch (IOException e) {
            throw new CorpusError("cannot read bundled corpus '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Fails before any Spark job with the URI that matches nothing, rather than deep inside a task. */
    static void checkExists(List<String> uris, Configuration hadoopConf) {
        for (String uri : uris) {
            if (uri.startsWith(BUNDLED_PREFIX)) {
                throw new CorpusError("'" + uri + "' cannot be combined with other corpus URIs; list Hadoop URIs only");
            }
            Path path = new Path(uri);
            try {
                FileSystem fs = path.getFileSystem(hadoopConf);
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    throw new CorpusError("corpus path " + uri + " does not exist (resolved to " + fs.makeQualified(path)
                            + "); set data.corpus to existing files, folders or globs");
                }
            } catch (IOException e) {
                throw new CorpusError("cannot read corpus path " + uri + ": " + e.getMessage(), e);
            }
        }
    }
}
