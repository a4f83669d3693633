package io.sparkrnn.checkpoint;

import java.io.IOException;

/** A consumer that may throw {@link IOException}: the caller's code that writes one checkpoint file. */
@FunctionalInterface
public interface IOConsumer<T> {
    void accept(T t) throws IOException;
}
