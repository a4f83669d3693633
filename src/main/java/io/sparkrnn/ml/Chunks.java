package io.sparkrnn.ml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Reads an iterator {@code size} items at a time and hands each chunk to a function, yielding its results in
 * order: a partition is scored in memory-bounded chunks, never loaded whole.
 */
final class Chunks<T, R> implements Iterator<R> {
    private final Iterator<T> source;
    private final int size;
    private final Function<List<T>, List<R>> function;
    private Iterator<R> current = Collections.emptyIterator();

    Chunks(Iterator<T> source, int size, Function<List<T>, List<R>> function) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be >= 1, got " + size);
        }
        this.source = source;
        this.size = size;
        this.function = function;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext() && source.hasNext()) {
            List<T> chunk = new ArrayList<>(size);
            while (chunk.size() < size && source.hasNext()) {
                chunk.add(source.next());
            }
            current = function.apply(chunk).iterator();
        }
        return current.hasNext();
    }

    @Override
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }
}
