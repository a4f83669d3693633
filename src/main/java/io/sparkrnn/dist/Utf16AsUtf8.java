package io.sparkrnn.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A UTF-16 text stream (after its byte-order mark) as UTF-8 bytes, so that {@link CorpusRecordReader}'s
 * byte-level line logic reads it like any other corpus file. Undecodable code units become U+FFFD.
 */
final class Utf16AsUtf8 extends InputStream {
    private final Reader reader;
    private final char[] chars = new char[8192];
    /** A high surrogate kept back from the previous read, whose low half has not been read yet. */
    private int held;
    private byte[] bytes = new byte[0];
    private int next;

    Utf16AsUtf8(InputStream utf16, Charset charset) {
        this.reader = new InputStreamReader(utf16, charset);
    }

    @Override
    public int read() throws IOException {
        while (next == bytes.length) {
            if (!refill()) {
                return -1;
            }
        }
        return bytes[next++] & 0xFF;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (next == bytes.length) {
            if (!refill()) {
                return -1;
            }
        }
        int n = Math.min(length, bytes.length - next);
        System.arraycopy(bytes, next, target, offset, n);
        next += n;
        return n;
    }

    private boolean refill() throws IOException {
        int read = reader.read(chars, held, chars.length - held);
        if (read < 0 && held == 0) {
            return false;
        }
        int total = held + Math.max(read, 0);
        // A pair cut by the read's end is completed by the next read (at the end of the text it stays alone).
        held = read > 0 && Character.isHighSurrogate(chars[total - 1]) ? 1 : 0;
        bytes = new String(chars, 0, total - held).getBytes(StandardCharsets.UTF_8);
        next = 0;
        if (held == 1) {
            chars[0] = chars[total - 1];
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
