package io.sparkrnn.ml;

import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.MLReader;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Loads what {@link SparkRnnModelWriter} saved: the params and the copied checkpoint. */
final class SparkRnnModelReader extends MLReader<SparkRnnModel> {
    @Override
    public SparkRnnModel load(String path) {
        StageMetadata metadata = StageMetadata.read(path, sc(), SparkRnnModel.class);
        String checkpoint = new Path(path, SparkRnnModelWriter.CHECKPOINT).toString();
        ScoringModel scoring;
        try {
            scoring = ScoringModel.load(checkpoint, sc().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the model saved in " + path + ": " + e.getMessage(), e);
        }
        SparkRnnModel model = new SparkRnnModel(metadata.uid(), new ModelBroadcast(scoring));
        metadata.applyTo(model);
        return model;
    }
}
