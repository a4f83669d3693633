package io.sparkrnn.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Cuts a stream of text pieces (lines or parts of lines, with their '\n' where a line ends) into blocks of
 * {@code blockSize} characters. Blocks are the unit of the held-out split; the last block of a partition may be
 * shorter. Holds at most one block plus one piece.
 */
public final class TextBlocks implements Iterator<String> {
    private final Iterator<String> pieces;
    private final int blockSize;
    private final StringBuilder pending = new StringBuilder();

    public TextBlocks(Iterator<String> pieces, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be >= 1, got " + blockSize);
        }
        this.pieces = pieces;
        this.blockSize = blockSize;
    }

    public static List<String> cut(Iterator<String> pieces, int blockSize) {
        List<String> blocks = new ArrayList<>();
        new TextBlocks(pieces, blockSize).forEachRemaining(blocks::add);
        return blocks;
    }

    @Override
    public boolean hasNext() {
        while (pending.length() < blockSize && pieces.hasNext()) {
            pending.append(pieces.next());
        }
        return pending.length() > 0;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int end = Math.min(blockSize, pending.length());
        if (end > 1 && end < pending.length() && Character.isHighSurrogate(pending.charAt(end - 1))) {
            end--; // never split a character outside the BMP (an emoji) into two halves that each become <unk>
        }
        String block = pending.substring(0, end);
        pending.delete(0, end);
        return block;
    }
}
