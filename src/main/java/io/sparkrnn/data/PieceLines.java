package io.sparkrnn.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The lines of a stream of text pieces (as the corpus reader gives them: a piece may hold several lines or part of
 * one, '\n' ends a line), without their '\n', each cut to its first {@code maxChars} chars. Holds at most one
 * piece plus {@code maxChars} chars, whatever the length of a line.
 */
public final class PieceLines implements Iterator<String> {
    private final Iterator<String> pieces;
    private final int maxChars;
    private String piece = "";
    private int offset;
    private String next;

    public PieceLines(Iterator<String> pieces, int maxChars) {
        this.pieces = pieces;
        this.maxChars = maxChars;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = read();
        }
        return next != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String line = next;
        next = null;
        return line;
    }

    /** The next line, or null at the end of the pieces. */
    private String read() {
        StringBuilder line = new StringBuilder();
        boolean started = false;
        while (true) {
            if (offset >= piece.length()) {
                if (!pieces.hasNext()) {
                    return started ? line.toString() : null; // a last line without '\n'
                }
                piece = pieces.next();
                offset = 0;
                continue;
            }
            started = true;
            int end = piece.indexOf('\n', offset);
            int stop = end < 0 ? piece.length() : end;
            int room = maxChars - line.length();
            line.append(piece, offset, Math.min(stop, offset + Math.max(room, 0)));
            offset = end < 0 ? piece.length() : end + 1;
            if (end >= 0) {
                return line.toString();
            }
        }
    }
}
