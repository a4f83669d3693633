package io.sparkrnn.experiment;

import io.sparkrnn.metrics.ConsoleProgress;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Path;

/** What every experiment runs with: the Spark context, a scratch folder for corpora and runs, its scale, the console. */
public final class ExperimentContext {
    private final JavaSparkContext sc;
    private final Path scratch;
    private final Scale scale;
    private final long seed;
    private final ConsoleProgress progress;

    public ExperimentContext(JavaSparkContext sc, Path scratch, Scale scale, long seed, ConsoleProgress progress) {
        this.sc = sc;
        this.scratch = scratch;
        this.scale = scale;
        this.seed = seed;
        this.progress = progress;
    }

    public JavaSparkContext sc() { return sc; }
    public Path scratch() { return scratch; }
    public Scale scale() { return scale; }
    public long seed() { return seed; }
    public ConsoleProgress progress() { return progress; }

    /** Trains on the real pipeline (TrainingRun) in this context. */
    public Trainings trainings() { return new Trainings(this); }
}
