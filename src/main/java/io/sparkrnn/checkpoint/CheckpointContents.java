package io.sparkrnn.checkpoint;

import java.io.IOException;

/** What goes into one checkpoint: the caller serialises its model and state through the writer. */
@FunctionalInterface
public interface CheckpointContents {
    void writeTo(CheckpointWriter writer) throws IOException;
}
