package io.sparkrnn.ml;

import io.sparkrnn.checkpoint.CheckpointPolicy;
import io.sparkrnn.checkpoint.CheckpointRef;
import io.sparkrnn.checkpoint.CheckpointStore;
import io.sparkrnn.checkpoint.Promotion;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.MLWriter;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Saves a {@link SparkRnnModel}: its params in {@code <path>/metadata} and a copy of its checkpoint in
 * {@code <path>/checkpoint}, made as {@code promote} makes one (verified against the checksums, published
 * atomically), so that the saved model outlives the run folder's retention.
 */
final class SparkRnnModelWriter extends MLWriter {
    static final String CHECKPOINT = "checkpoint";

    private final SparkRnnModel model;

    SparkRnnModelWriter(SparkRnnModel model) {
        this.model = model;
    }

    @Override
    public void saveImpl(String path) {
        StageMetadata.save(model, path, sc());
        Configuration hadoop = sc().hadoopConfiguration();
        try {
            CheckpointRef source = CheckpointRef.resolve(model.checkpoint(), hadoop);
            CheckpointStore copy = CheckpointStore.openFolder(new Path(path, CHECKPOINT).toString(), hadoop,
                    CheckpointPolicy.defaults());
            Promotion.promote(source, copy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model's checkpoint " + model.checkpoint() + " to " + path
                    + ": " + e.getMessage(), e);
        }
    }
}
