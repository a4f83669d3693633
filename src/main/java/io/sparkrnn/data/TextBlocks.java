package io.sparkrnn.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Cuts a stream of lines (as Spark's textFile returns them, without their line ends) into blocks of
 * {@code blockSize} characters, with '\n' restored between lines. Blocks are the unit of the held-out split;
 * the last block of a partition may be shorter.
 */
public final class TextBlocks implements Iterator<String> {
    private final Iterator<String> lines;
    private final int blockSize;
    private final StringBuilder pending = new StringBuilder();

    public TextBlocks(Iterator<String> lines, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be >= 1, got " + blockSize);
        }
        this.lines = lines;
        this.blockSize = blockSize;
    }

    public static List<String> cut(Iterator<String> lines, int blockSize) {
        List<String> blocks = new ArrayList<>();
        new TextBlocks(lines, blockSize).forEachRemaining(blocks::add);
        return blocks;
    }

    @Override
    public boolean hasNext() {
        while (pending.length() < blockSize && lines.hasNext()) {
            pending.append(lines.next()).append('\n');
        }
        return pending.length() > 0;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int end = Math.min(blockSize, pending.length());
        String block = pending.substring(0, end);
        pending.delete(0, end);
        return block;
    }
}
