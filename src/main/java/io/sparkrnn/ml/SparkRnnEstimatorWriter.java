package io.sparkrnn.ml;

import org.apache.spark.ml.util.MLWriter;

/** Saves a {@link SparkRnnEstimator}: its params only, in Spark ML's metadata layout. */
final class SparkRnnEstimatorWriter extends MLWriter {
    private final SparkRnnEstimator estimator;

    SparkRnnEstimatorWriter(SparkRnnEstimator estimator) {
        this.estimator = estimator;
    }

    @Override
    public void saveImpl(String path) {
        StageMetadata.save(estimator, path, sc());
    }
}
