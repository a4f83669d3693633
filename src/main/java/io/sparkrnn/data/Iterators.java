package io.sparkrnn.data;

import java.io.Serializable;
import java.util.Iterator;
import java.util.function.Function;

/** Lazy iterator helpers for Spark partitions, which must stream rather than collect. */
public final class Iterators {
    private Iterators() { }

    /** The elements of {@code source} through {@code f}, one at a time. */
    public static <A, B> Iterator<B> map(Iterator<A> source, SerializableFunction<A, B> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() { return source.hasNext(); }

            @Override
            public B next() { return f.apply(source.next()); }
        };
    }

    /** A function Spark can ship inside a task closure. */
    public interface SerializableFunction<A, B> extends Function<A, B>, Serializable { }
}
