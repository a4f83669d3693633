package io.sparkrnn.dist;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.RecordReader;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one split of a corpus file as {@link CorpusInputFormat} describes: pieces of at most {@code maxBytes}
 * bytes, cut after the last '\n' they contain, or else at a UTF-8 character boundary. Memory is two fixed
 * buffers, whatever the length of a line.
 */
final class CorpusRecordReader implements RecordReader<LongWritable, Text> {
    private static final int READ_BUFFER = 1 << 16;

    private InputStream in;
    private final long start;
    private long end;
    private final byte[] buffer = new byte[READ_BUFFER];
    private int buffered;
    private int next;
    /** Position in the file (uncompressed: bytes; compressed: decompressed bytes) of the next unread byte. */
    private long pos;

    private final byte[] record;
    private final int maxBytes;
    /** Bytes carried over from the previous record (the part after its cut). */
    private int carried;
    /** The last byte taken was not a line end: the line it belongs to continues. */
    private boolean lineOpen;
    private boolean splitDone;

    CorpusRecordReader(Configuration conf, FileSplit split, int maxBytes) throws IOException {
        if (maxBytes < 8) {
            throw new IllegalArgumentException(CorpusInputFormat.MAX_RECORD_BYTES_KEY + " must be >= 8, got " + maxBytes);
        }
        Path file = split.getPath();
        FileSystem fs = file.getFileSystem(conf);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
        FSDataInputStream raw = fs.open(file);
        if (codec != null) {
            in = codec.createInputStream(raw);
            start = 0;
            end = Long.MAX_VALUE;
        } else {
            raw.seek(split.getStart());
            in = raw;
            start = split.getStart();
            end = start + split.getLength();
        }
        pos = start;
        this.maxBytes = maxBytes;
        this.record = new byte[maxBytes + 1]; // + the '\n' given to a last line without one
        if (start == 0) {
            readByteOrderMark();
        } else if (isUtf16(raw)) {
            splitDone = true; // a UTF-16 file is read whole by the split that starts it
        } else {
            skipFirstLine();
        }
    }

    /**
     * Drops a UTF-8 byte-order mark; after a UTF-16 one (FF FE little-endian, FE FF big-endian) the rest of the file
     * is decoded to UTF-8 here, and read whole by this split: a split starting elsewhere in the file cannot find
     * its character boundaries, so it reads nothing ({@link #isUtf16}).
     */
    private void readByteOrderMark() throws IOException {
        Charset utf16 = fill(2) ? utf16Of(buffer[next] & 0xFF, buffer[next + 1] & 0xFF) : null;
        if (utf16 != null) {
            byte[] alreadyRead = Arrays.copyOfRange(buffer, next + 2, buffered);
            in = new Utf16AsUtf8(new SequenceInputStream(new ByteArrayInputStream(alreadyRead), in), utf16);
            next = buffered;
            end = Long.MAX_VALUE;
            return;
        }
        if (peek() == 0xEF && fill(3) && (buffer[next + 1] & 0xFF) == 0xBB && (buffer[next + 2] & 0xFF) == 0xBF) {
            next += 3;
            pos += 3;
            lineOpen = true; // the first line started at 0, before the mark, whatever the split's length
        }
    }

    /** Whether the file {@code raw} reads starts with a UTF-16 byte-order mark (read without moving the stream). */
    private static boolean isUtf16(FSDataInputStream raw) throws IOException {
        byte[] head = new byte[2];
        try {
            raw.readFully(0, head);
        } catch (EOFException shorter) {
            return false;
        }
        return utf16Of(head[0] & 0xFF, head[1] & 0xFF) != null;
    }

    private static Charset utf16Of(int first, int second) {
        if (first == 0xFF && second == 0xFE) {
            return StandardCharsets.UTF_16LE;
        }
        return first == 0xFE && second == 0xFF ? StandardCharsets.UTF_16BE : null;
    }

    @Override
    public boolean next(LongWritable key, Text value) throws IOException {
        key.set(pos - carried);
        int length = carried;
        int lastNewline = -1;
        carried = 0;
        while (length < maxBytes && !splitDone) {
            if (!lineOpen && pos > end) {
                splitDone = true; // the next line starts in the next split, which reads it
                break;
            }
            int b = read();
            if (b < 0) {
                if (lineOpen) {
                    record[length++] = '\n';
                    lastNewline = length;
                    lineOpen = false;
                }
                splitDone = true;
                break;
            }
            if (b == '\r') {
                if (peek() == '\n') {
                    read();
                }
                b = '\n';
            }
            record[length++] = (byte) b;
            lineOpen = b != '\n';
            if (!lineOpen) {
                lastNewline = length;
            }
        }
        if (length == 0) {
            return false;
        }
        int cut = splitDone ? length : lastNewline > 0 ? lastNewline : characterBoundary(length);
        value.set(record, 0, cut);
        carried = length - cut;
        System.arraycopy(record, cut, record, 0, carried);
        return true;
    }

    /** The largest cut at or before {@code length} that does not split a UTF-8 sequence. */
    private int characterBoundary(int length) {
        int lead = length - 1;
        while (lead > 0 && length - lead < 4 && (record[lead] & 0xC0) == 0x80) {
            lead--;
        }
        int b = record[lead] & 0xFF;
        int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        return needed > length - lead && lead > 0 ? lead : length;
    }

    /** A split that does not start the file begins mid-line: that line belongs to the previous split. */
    private void skipFirstLine() throws IOException {
        for (int b = read(); b >= 0; b = read()) {
            if (b == '\n') {
                return;
            }
            if (b == '\r') {
                if (peek() == '\n') {
                    read();
                }
                return;
            }
        }
    }

    private int read() throws IOException {
        if (next == buffered && !fill(1)) {
            return -1;
        }
        pos++;
        return buffer[next++] & 0xFF;
    }

    private int peek() throws IOException {
        if (next == buffered && !fill(1)) {
            return -1;
        }
        return buffer[next] & 0xFF;
    }

    /** Makes at least {@code n} unread bytes available if the stream has them. */
    private boolean fill(int n) throws IOException {
        if (buffered - next >= n) {
            return true;
        }
        System.arraycopy(buffer, next, buffer, 0, buffered - next);
        buffered -= next;
        next = 0;
        while (buffered < n) {
            int got = in.read(buffer, buffered, buffer.length - buffered);
            if (got < 0) {
                return false;
            }
            buffered += got;
        }
        return true;
    }

    @Override
    public LongWritable createKey() { return new LongWritable(); }

    @Override
    public Text createValue() { return new Text(); }

    @Override
    public long getPos() { return pos; }

    @Override
    public float getProgress() {
        return end == Long.MAX_VALUE || end == start ? (splitDone ? 1f : 0f)
                : Math.min(1f, (pos - start) / (float) (end - start));
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
