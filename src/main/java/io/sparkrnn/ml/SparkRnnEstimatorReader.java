package io.sparkrnn.ml;

import org.apache.spark.ml.util.MLReader;

/** Loads what {@link SparkRnnEstimatorWriter} saved. */
final class SparkRnnEstimatorReader extends MLReader<SparkRnnEstimator> {
    @Override
    public SparkRnnEstimator load(String path) {
        StageMetadata metadata = StageMetadata.read(path, sc(), SparkRnnEstimator.class);
        SparkRnnEstimator estimator = new SparkRnnEstimator(metadata.uid());
        metadata.applyTo(estimator);
        return estimator;
    }
}
