package io.sparkrnn.bench;

import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.TrainingRun;
import io.sparkrnn.dist.TrainingSummary;
import io.sparkrnn.metrics.ConsoleProgress;
import io.sparkrnn.metrics.MetricsRow;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quality cost of the aggregation options at an equal token budget: the same model, data, seed, replicas and
 * rounds trained with each combination of master.optimizerState and master.deltaPrecision on the bundled corpus,
 * and once more with the baseline at another seed, so that the differences can be read against seed noise.
 */
final class OptionsProbe {
    /** optimizerState/deltaPrecision@seed; the first is the baseline. */
    static final List<String> VARIANTS = List.of("average/float32@42", "average/float32@43", "local/float32@42",
            "average/bfloat16@42", "average/float16@42", "local/bfloat16@42");

    private final Map<String, String> settings;

    OptionsProbe(Map<String, String> settings) {
        this.settings = settings;
    }

    List<Map<String, Object>> run() throws Exception {
        int replicas = Integer.parseInt(settings.get("replicas"));
        SparkConf conf = new SparkConf().setAppName("spark-rnn bench options").setMaster("local[2]")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
        List<Map<String, Object>> results = new ArrayList<>();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            for (String variant : VARIANTS) {
                results.add(train(sc, variant, replicas));
            }
        }
        return results;
    }

    private Map<String, Object> train(JavaSparkContext sc, String variant, int replicas) throws Exception {
        String[] parts = variant.split("[/@]");
        int rounds = Integer.parseInt(settings.get("rounds"));
        java.nio.file.Path root = TempFolders.create("sparkrnn-options");
        RunConfig config = ConfigLoader.load(null, List.of("run.id=options", "run.seed=" + parts[2],
                "model.cell=lstm", "model.layers=" + settings.get("layers"), "model.hiddenSize=" + settings.get("hidden"),
                "train.batchSize=" + settings.get("batch"), "train.averagingFrequency=" + settings.get("averagingFrequency"),
                "train.rounds=" + rounds, "master.replicas=" + replicas, "master.optimizerState=" + parts[0],
                "master.deltaPrecision=" + parts[1], "eval.everyRounds=" + rounds, "eval.maxWindows=1024",
                "checkpoint.root=" + root.toUri(), "sample.length=0", "log.quiet=true"));
        long started = System.nanoTime();
        TrainingSummary summary;
        try {
            summary = new TrainingRun(sc, config, true, new ConsoleProgress(System.err, true)).run();
        } finally {
            TempFolders.delete(root);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("variant", variant);
        result.put("optimizerState", parts[0]);
        result.put("deltaPrecision", parts[1]);
        result.put("seed", Integer.parseInt(parts[2]));
        result.put("replicas", replicas);
        result.put("rounds", rounds);
        result.put("valBpc", summary.lastValidationBpc());
        result.put("wallSeconds", (System.nanoTime() - started) / 1e9);
        double tokens = 0;
        double shuffle = 0;
        double broadcast = 0;
        for (MetricsRow row : summary.rows()) {
            tokens += row.number("tokens");
            Object tasks = row.get("tasks");
            shuffle += ((Number) ((Map<?, ?>) tasks).get("shuffleWriteBytes")).doubleValue();
            broadcast += row.number("broadcastBytes");
        }
        result.put("tokens", tokens);
        result.put("shuffleBytesPerReplicaRound", shuffle / replicas / summary.rows().size());
        result.put("broadcastBytesPerRound", broadcast / summary.rows().size());
        result.put("parameters", summary.finalState().params().length());
        result.put("load", LoadAverage.now());
        return result;
    }
}
