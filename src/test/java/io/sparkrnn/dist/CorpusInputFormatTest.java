package io.sparkrnn.dist;

import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapred.TextInputFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CorpusInputFormat gives the text Hadoop's TextInputFormat gives (its lines with '\n' restored), whatever the
 * split boundaries and piece size, and never a piece that cuts a UTF-8 character.
 */
class CorpusInputFormatTest {
    @TempDir
    java.nio.file.Path dir;

    /** Line ends of every kind, empty lines, multi-byte characters, a byte order mark, no final newline. */
    private static final String TRICKY = "\uFEFFfirst line\r\nsecond\rthird\n\n\r\n\rcafé 中文 \uD83D\uDC33 long line "
            + "without end for a while, longer than a piece\r\n\r\r\nx\n\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\rlast";

    private static JobConf job(int maxBytes) {
        JobConf job = new JobConf();
        job.setInt(CorpusInputFormat.MAX_RECORD_BYTES_KEY, maxBytes);
        return job;
    }

    private static List<byte[]> read(InputFormat<LongWritable, Text> format, JobConf job, Path file, long length,
                                     int splitSize) throws IOException {
        List<byte[]> records = new ArrayList<>();
        for (long start = 0; start < length; start += splitSize) {
            FileSplit split = new FileSplit(file, start, Math.min(splitSize, length - start), new String[0]);
            RecordReader<LongWritable, Text> reader = format.getRecordReader(split, job, Reporter.NULL);
            LongWritable key = reader.createKey();
            Text value = reader.createValue();
            while (reader.next(key, value)) {
                records.add(value.copyBytes());
            }
            reader.close();
        }
        return records;
    }

    private static String joined(List<byte[]> records, boolean restoreNewlines) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] r : records) {
            all.writeBytes(r);
            if (restoreNewlines) {
                all.write('\n');
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sameTextAsTextInputFormatForEverySplitSizeAndPieceSize() throws IOException {
        for (String text : List.of(TRICKY, TRICKY.substring(1) + "\n", "\r", "\n", "a", "")) {
            java.nio.file.Path local = Files.writeString(dir.resolve("c" + text.hashCode() + ".txt"), text, StandardCharsets.UTF_8);
            Path file = new Path(local.toUri());
            long length = Files.size(local);
            TextInputFormat lines = new TextInputFormat();
            lines.configure(job(8));
            String expected = joined(read(lines, job(8), file, length, Math.max(1, (int) length)), true);
            // Splits of 1 byte put a boundary on every byte (CR, LF, BOM, inside characters); longer ones mix them.
            for (int maxBytes : new int[] {8, 13, 1 << 16}) {
                for (int splitSize : new int[] {1, 4, 7, (int) length + 1}) {
                    List<byte[]> pieces = read(new CorpusInputFormat(), job(maxBytes), file, length, splitSize);
                    assertEquals(expected, joined(pieces, false), "pieces of " + maxBytes + " bytes, splits of " + splitSize);
                    for (byte[] piece : pieces) {
                        assertTrue(piece.length <= maxBytes + 1, "piece of " + piece.length + " bytes");
                        assertFalse(new String(piece, StandardCharsets.UTF_8).contains("\uFFFD"),
                                "a piece cut a UTF-8 character: splits of " + splitSize + ", pieces of " + maxBytes);
                    }
                }
            }
        }
    }

    @Test
    void utf16FilesWithAByteOrderMarkGiveTheTextOfTheirUtf8CopyForEverySplitSize() throws IOException {
        String text = TRICKY.substring(1);
        java.nio.file.Path utf8 = Files.writeString(dir.resolve("utf8.txt"), text, StandardCharsets.UTF_8);
        Path utf8File = new Path(utf8.toUri());
        String expected = joined(read(new CorpusInputFormat(), job(1 << 16), utf8File, Files.size(utf8),
                (int) Files.size(utf8)), false);
        for (String charset : List.of("UTF-16LE", "UTF-16BE")) {
            byte[] bom = charset.endsWith("LE") ? new byte[] {(byte) 0xFF, (byte) 0xFE} : new byte[] {(byte) 0xFE, (byte) 0xFF};
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(bom);
            bytes.writeBytes(text.getBytes(charset));
            java.nio.file.Path local = Files.write(dir.resolve(charset + ".txt"), bytes.toByteArray());
            Path file = new Path(local.toUri());
            long length = Files.size(local);
            for (int maxBytes : new int[] {8, 13, 1 << 16}) {
                for (int splitSize : new int[] {1, 3, 7, (int) length + 1}) {
                    List<byte[]> pieces = read(new CorpusInputFormat(), job(maxBytes), file, length, splitSize);
                    assertEquals(expected, joined(pieces, false),
                            charset + ", pieces of " + maxBytes + " bytes, splits of " + splitSize);
                    for (byte[] piece : pieces) {
                        assertTrue(piece.length <= maxBytes + 1, "piece of " + piece.length + " bytes");
                    }
                }
            }
        }
    }
}
