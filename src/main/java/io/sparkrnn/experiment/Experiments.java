package io.sparkrnn.experiment;

import io.sparkrnn.config.ConfigError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The experiments by name, in the order the issue lists them. */
public final class Experiments {
    private static final Map<String, Experiment> ALL = new LinkedHashMap<>();

    static {
        for (Experiment experiment : List.of(new VanishingExperiment(), new ExplodingExperiment(), new GruVsLstmExperiment(),
                new DepthExperiment(), new BidirectionalExperiment())) {
            ALL.put(experiment.name(), experiment);
        }
    }

    private Experiments() { }

    public static List<String> names() { return List.copyOf(ALL.keySet()); }

    /** The experiment called {@code name}; an unknown name is a usage error (exit code 2). */
    public static Experiment named(String name) {
        Experiment experiment = ALL.get(name);
        if (experiment == null) {
            throw new ConfigError("experiment", "unknown experiment '" + name + "'; choose one of "
                    + String.join(", ", ALL.keySet()));
        }
        return experiment;
    }
}
