package io.sparkrnn.bench;

import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.Dl4jComparison;
import io.sparkrnn.dist.TrainingRun;
import io.sparkrnn.dist.TrainingSummary;
import io.sparkrnn.metrics.ConsoleProgress;
import io.sparkrnn.metrics.MetricsRow;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Distributed training on Spark local mode, on the bundled corpus: our parameter-averaging master with R replicas,
 * DL4J's ParameterAveragingTrainingMaster ({@code train.engine = dl4j}, in builds with the dl4j-spark profile only)
 * on the same model, data and steps, and one
 * replica given the same token budget (R times the rounds). Reports throughput, the per-round time split from our
 * metrics rows, validation bits per character and peak memory of each run.
 */
final class DistributedProbe {
    private final Settings settings;

    DistributedProbe(Settings settings) {
        this.settings = settings;
    }

    List<Map<String, Object>> run() throws Exception {
        List<Map<String, Object>> results = new ArrayList<>();
        results.add(train("ours", "sparkrnn", settings.replicas, settings.rounds));
        if (Dl4jComparison.available()) {
            results.add(train("dl4j", "dl4j", settings.replicas, settings.rounds));
        } else {
            System.err.println("bench: no DL4J master run: " + Dl4jComparison.HOW_TO_BUILD);
        }
        results.add(train("one replica", "sparkrnn", 1, settings.rounds * settings.replicas));
        return results;
    }

    private Map<String, Object> train(String label, String engine, int replicas, int rounds) throws Exception {
        File root = Files.createTempDirectory("sparkrnn-bench").toFile();
        RunConfig config = ConfigLoader.load(null, List.of(
                "run.id=bench",
                "model.cell=lstm", "model.layers=" + settings.layers, "model.hiddenSize=" + settings.hidden,
                "train.batchSize=" + settings.batchSize, "train.averagingFrequency=" + settings.averagingFrequency,
                "train.rounds=" + rounds, "train.engine=" + engine, "master.replicas=" + replicas,
                "eval.everyRounds=" + rounds, "eval.maxWindows=256", "checkpoint.everyRounds=" + rounds,
                "checkpoint.root=" + root.toURI(), "sample.length=0", "log.quiet=true"));
        SparkConf conf = new SparkConf().setAppName("spark-rnn bench " + label).setMaster("local[" + replicas + "]")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
        TrainingSummary summary;
        long started = System.nanoTime();
        Map<String, Object> result = new LinkedHashMap<>();
        try (PeakMemory memory = new PeakMemory(); JavaSparkContext sc = new JavaSparkContext(conf)) {
            summary = new TrainingRun(sc, config, true, new ConsoleProgress(System.err, true)).run();
            memory.close();
            result.putAll(memory.asMap());
        }
        double wall = (System.nanoTime() - started) / 1e9;
        result.put("run", label);
        result.put("replicas", replicas);
        result.put("rounds", rounds);
        result.put("wallSeconds", wall);
        summarise(summary.rows(), result);
        result.put("valBpc", summary.lastValidationBpc());
        result.put("load", LoadAverage.now());
        return result;
    }

    /** Throughput over all rounds and over rounds after the first, and the mean per-round phase split. */
    private static void summarise(List<MetricsRow> rows, Map<String, Object> result) {
        double tokens = 0;
        double seconds = 0;
        double steadyTokens = 0;
        double steadySeconds = 0;
        Map<String, Double> phases = new LinkedHashMap<>();
        double compute = 0;
        int steadyRounds = 0;
        for (int i = 0; i < rows.size(); i++) {
            MetricsRow row = rows.get(i);
            double rowSeconds = trainingSeconds(row);
            tokens += row.number("tokens");
            seconds += rowSeconds;
            if (i > 0 || rows.size() == 1) {
                steadyRounds++;
                steadyTokens += row.number("tokens");
                steadySeconds += rowSeconds;
                compute += row.number("replicaComputeSeconds");
                @SuppressWarnings("unchecked")
                Map<String, Number> p = (Map<String, Number>) row.get("phases");
                p.forEach((name, value) -> phases.merge(name, value.doubleValue(), Double::sum));
            }
        }
        result.put("tokensPerSecond", tokens / seconds);
        result.put("steadyTokensPerSecond", steadyTokens / steadySeconds);
        int n = Math.max(1, steadyRounds);
        Map<String, Object> split = new LinkedHashMap<>();
        phases.forEach((name, value) -> split.put(name, value / n));
        split.put("replica compute (slowest)", compute / n);
        result.put("meanRoundPhases", split);
    }

    /** A round's seconds without validation, which is not training throughput. */
    private static double trainingSeconds(MetricsRow row) {
        Object phases = row.get("phases");
        double evaluation = phases instanceof Map && ((Map<?, ?>) phases).get("evaluation") instanceof Number
                ? ((Number) ((Map<?, ?>) phases).get("evaluation")).doubleValue() : 0;
        return row.number("seconds") - evaluation;
    }

    /** Model size, replicas, rounds and averaging frequency of the comparison. */
    static final class Settings {
        final int layers;
        final int hidden;
        final int batchSize;
        final int replicas;
        final int rounds;
        final int averagingFrequency;

        Settings(int layers, int hidden, int batchSize, int replicas, int rounds, int averagingFrequency) {
            this.layers = layers;
            this.hidden = hidden;
            this.batchSize = batchSize;
            this.replicas = replicas;
            this.rounds = rounds;
            this.averagingFrequency = averagingFrequency;
        }

        static Settings parse(Map<String, String> s) {
            return new Settings(Integer.parseInt(s.get("layers")), Integer.parseInt(s.get("hidden")),
                    Integer.parseInt(s.get("batch")), Integer.parseInt(s.get("replicas")),
                    Integer.parseInt(s.get("rounds")), Integer.parseInt(s.get("averagingFrequency")));
        }

        List<String> asArgs() {
            return List.of("layers=" + layers, "hidden=" + hidden, "batch=" + batchSize, "replicas=" + replicas,
                    "rounds=" + rounds, "averagingFrequency=" + averagingFrequency);
        }

        String describe() {
            return String.format(Locale.ROOT, "%d x lstm %d, batch %d, %d replicas on local[%d], averaging every %d "
                    + "steps, %d rounds", layers, hidden, batchSize, replicas, replicas, averagingFrequency, rounds);
        }
    }
}
