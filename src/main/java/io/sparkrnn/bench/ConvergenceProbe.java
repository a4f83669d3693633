package io.sparkrnn.bench;

import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.AveragingSchedule;
import io.sparkrnn.dist.ReplicaBatch;
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
import java.util.Map;
import java.util.TreeMap;

/**
 * One run of the convergence section, in its own JVM: the configured model trained on R replicas in Spark local mode
 * for a token budget, validated every so many tokens, returning its validation curve (tokens, training seconds and
 * bits per character at every evaluation). Training seconds are the rounds' wall times without their evaluation and
 * checkpoint phases, so that evaluating often to find the target does not count as training time.
 */
final class ConvergenceProbe {
    static final String OVERRIDE_PREFIX = "set.";

    private final Map<String, String> args;

    ConvergenceProbe(Map<String, String> args) {
        this.args = args;
    }

    Map<String, Object> run() throws Exception {
        int replicas = Integer.parseInt(args.get("replicas"));
        int coresPerReplica = Integer.parseInt(args.get("coresPerReplica"));
        long seed = Long.parseLong(args.get("seed"));
        long tokens = Long.parseLong(args.get("tokens"));
        long evalTokens = Long.parseLong(args.get("evalTokens"));
        File root = Files.createTempDirectory("sparkrnn-convergence").toFile();
        List<String> overrides = new ArrayList<>(userOverrides());
        if (args.containsKey("corpus")) {
            overrides.add("data.corpus=" + args.get("corpus"));
        }
        overrides.addAll(List.of("run.id=convergence", "run.seed=" + seed, "master.replicas=" + replicas,
                "checkpoint.root=" + root.toURI(), "sample.length=0"));
        File conf = args.containsKey("conf") ? new File(args.get("conf")) : null;
        RunConfig base = ConfigLoader.load(conf, overrides);
        long tokensPerStep = (long) replicas * ReplicaBatch.size(base, replicas) * base.get(Options.SEQ_LENGTH);
        int rounds = AveragingSchedule.from(base).roundsFor((tokens + tokensPerStep - 1) / tokensPerStep);
        long tokensPerRound = tokensPerStep * base.get(Options.AVERAGING_FREQUENCY);
        int evalEvery = (int) Math.max(1, Math.round((double) evalTokens / tokensPerRound));
        overrides.addAll(List.of("train.rounds=" + rounds, "eval.everyRounds=" + evalEvery,
                "checkpoint.everyRounds=" + rounds));
        RunConfig config = ConfigLoader.load(conf, overrides);

        SparkConf spark = new SparkConf().setAppName("spark-rnn convergence R=" + replicas)
                .setMaster("local[" + Math.min(replicas * coresPerReplica, Runtime.getRuntime().availableProcessors()) + "]")
                .set("spark.task.cpus", String.valueOf(coresPerReplica))
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("loadBefore", LoadAverage.now());
        long started = System.nanoTime();
        TrainingSummary summary;
        try (JavaSparkContext sc = new JavaSparkContext(spark)) {
            summary = new TrainingRun(sc, config, true, new ConsoleProgress(System.err, false)).run();
        }
        result.put("replicas", replicas);
        result.put("coresPerReplica", coresPerReplica);
        result.put("seed", seed);
        result.put("rounds", rounds);
        result.put("evalEveryRounds", evalEvery);
        result.put("wallSeconds", (System.nanoTime() - started) / 1e9);
        result.put("curve", curve(summary.rows()));
        result.put("load", LoadAverage.now());
        return result;
    }

    /** The key=value overrides the harness passed on as set.N arguments, in their order. */
    private List<String> userOverrides() {
        Map<Integer, String> byIndex = new TreeMap<>();
        args.forEach((key, value) -> {
            if (key.startsWith(OVERRIDE_PREFIX)) {
                byIndex.put(Integer.parseInt(key.substring(OVERRIDE_PREFIX.length())), value);
            }
        });
        return new ArrayList<>(byIndex.values());
    }

    /** One point per evaluated round: cumulative tokens and training seconds, and the validation bits per character. */
    static List<Map<String, Object>> curve(List<MetricsRow> rows) {
        List<Map<String, Object>> points = new ArrayList<>();
        double tokens = 0;
        double seconds = 0;
        for (MetricsRow row : rows) {
            tokens += row.number("tokens");
            seconds += row.number("seconds") - phase(row, "evaluation") - phase(row, "checkpoint");
            if (!Double.isNaN(row.number("valBpc"))) {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("round", row.get("round"));
                point.put("tokens", tokens);
                point.put("seconds", seconds);
                point.put("valBpc", row.number("valBpc"));
                point.put("learningRate", row.number("learningRate"));
                points.add(point);
            }
        }
        return points;
    }

    private static double phase(MetricsRow row, String name) {
        Object phases = row.get("phases");
        Object value = phases instanceof Map ? ((Map<?, ?>) phases).get(name) : null;
        return value instanceof Number ? ((Number) value).doubleValue() : 0;
    }
}
