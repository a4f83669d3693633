package io.sparkrnn.dist;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;

import java.io.IOException;

/**
 * Corpus files as pieces of text of at most {@value #MAX_RECORD_BYTES_KEY} bytes each, so that a line of any
 * length is streamed: Hadoop's TextInputFormat holds a whole line in one Text (and Spark then in one String), and
 * a 200 MB line without a newline needs a 200 MB array plus its copies.
 *
 * <p>The text is the same as {@code textFile} gives, line ends restored: line ends (LF, CRLF or a lone CR, as
 * Hadoop's LineRecordReader understands them) become '\n', the last line gets a '\n' if it has none, a UTF-8 byte
 * order mark at the start of a file is dropped, and a split reads the lines that START in it (a line crossing
 * the split's end is read to its end; the next split skips it). A file that starts with a UTF-16 byte-order mark
 * is decoded to UTF-8 and read whole by its first split (like a compressed file). The old (mapred) API is used because its
 * splits are those of {@code textFile}, so partitions, blocks and results stay what they were for normal files.
 * Compressed files are not split.
 */
public final class CorpusInputFormat extends FileInputFormat<LongWritable, Text> {
    /** Job setting: the largest record in bytes. */
    public static final String MAX_RECORD_BYTES_KEY = "sparkrnn.corpus.maxRecordBytes";

    @Override
    protected boolean isSplitable(FileSystem fs, Path file) {
        return new CompressionCodecFactory(fs.getConf()).getCodec(file) == null;
    }

    @Override
    public RecordReader<LongWritable, Text> getRecordReader(InputSplit split, JobConf job, Reporter reporter)
            throws IOException {
        int maxBytes = job.getInt(MAX_RECORD_BYTES_KEY, 1 << 16);
        return new CorpusRecordReader(job, (FileSplit) split, maxBytes);
    }
}
