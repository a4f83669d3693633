package io.sparkrnn.bench;

import io.sparkrnn.config.ConfigLoader;
import io.sparkrnn.config.ExitCodes;
import io.sparkrnn.config.RunConfig;
import io.sparkrnn.dist.RunError;
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
 * One run of the scale benchmark, in this JVM as the driver: the 3 x LSTM 1024 model (21.4 M parameters) with
 * almost no compute (batch 1, 8 characters, 1 local step), so that a round is almost only the master's own cost, at
 * R replicas on {@code local[2]} or a standalone cluster: 4 rounds, of which rounds 2 and 3 are measured. Reports the
 * phases, the bytes Spark's task metrics saw go to the driver and through the shuffle, the broadcast's size, the
 * driver process's I/O (on a cluster), and the driver's peak heap (used, and live after a collection).
 */
final class ScaleProbe {
    private final Map<String, String> settings;

    ScaleProbe(Map<String, String> settings) {
        this.settings = settings;
    }

    List<Map<String, Object>> run() throws Exception {
        java.nio.file.Path root = TempFolders.create("sparkrnn-scale");
        String master = settings.get("master");
        int replicas = Integer.parseInt(settings.get("replicas"));
        List<String> keys = new ArrayList<>(List.of("run.id=scale", "model.cell=lstm",
                "model.layers=" + settings.getOrDefault("layers", "3"),
                "model.hiddenSize=" + settings.getOrDefault("hidden", "1024"), "model.seqLength=8",
                "train.batchSize=1", "train.averagingFrequency=1", "train.rounds=" + settings.getOrDefault("rounds", "4"),
                "master.replicas=" + replicas, "eval.everyRounds=1000", "eval.maxWindows=" + Math.max(64, replicas),
                "checkpoint.everyRounds=1000", "checkpoint.root=" + root.toUri(), "sample.length=0", "log.quiet=true"));
        for (String key : List.of("master.optimizerState", "master.deltaPrecision")) {
            if (settings.containsKey(key)) {
                keys.add(key + "=" + settings.get(key));
            }
        }
        RunConfig config = ConfigLoader.load(null, keys);
        DriverIoListener io = new DriverIoListener();
        Map<String, Object> result = new LinkedHashMap<>();
        TrainingSummary summary;
        try (PeakMemory memory = new PeakMemory(); JavaSparkContext sc = new JavaSparkContext(conf(master, replicas))) {
            sc.sc().addSparkListener(io);
            try {
                summary = new TrainingRun(sc, config, true, new ConsoleProgress(System.err, false)).run();
            } catch (RunError e) {
                if (e.exitCode() != ExitCodes.CONFIG) {
                    throw e;
                }
                return List.of(refused(master, replicas, e));
            }
            memory.close();
            result.putAll(memory.asMap());
        } finally {
            TempFolders.delete(root);
        }
        result.put("master", master.startsWith("spark://") ? "standalone" : master);
        result.put("replicas", replicas);
        result.put("parameters", summary.finalState().params().length());
        summarise(summary.rows(), io, result);
        result.put("load", LoadAverage.now());
        return List.of(result);
    }

    /** The pre-flight check's refusal is a result of the benchmark (what the settings cannot serve), not a failure. */
    private static Map<String, Object> refused(String master, int replicas, RunError e) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("master", master.startsWith("spark://") ? "standalone" : master);
        result.put("replicas", replicas);
        String[] lines = e.getMessage().split("\n");
        result.put("refused", String.join(" ", java.util.Arrays.copyOfRange(lines, 1, Math.max(1, lines.length - 1)))
                .replaceAll("\\s+", " ").trim());
        result.put("load", LoadAverage.now());
        return result;
    }

    private SparkConf conf(String master, int replicas) {
        SparkConf conf = new SparkConf().setAppName("spark-rnn bench scale R=" + replicas).setMaster(master)
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
                .set("spark.driver.maxResultSize", "2g").set("spark.driver.host", "127.0.0.1");
        if (master.startsWith("spark://")) {
            // Executors of the deploy/local cluster on this machine load our classes from the driver's class path.
            conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                    .set("spark.executor.memory", settings.getOrDefault("executorMemory", "2g"))
                    .set("spark.executor.cores", "1")
                    .set("spark.cores.max", settings.getOrDefault("cores", "2"))
                    .set("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxbytes=2g "
                            + "-Dorg.bytedeco.javacpp.maxphysicalbytes=5g")
                    .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                    .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                    .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
        }
        return conf;
    }

    /**
     * Means of every phase and byte count over the rounds between the first (which builds the replica networks) and
     * the last (which evaluates and checkpoints, and with local moments averages them); driver I/O of those rounds.
     */
    private static void summarise(List<MetricsRow> rows, DriverIoListener io, Map<String, Object> result) {
        Map<String, Double> sums = new LinkedHashMap<>();
        int n = 0;
        for (MetricsRow row : rows) {
            int round = (int) row.number("round");
            if (rows.size() > 2 && (round == 1 || round == rows.size())) {
                continue;
            }
            n++;
            @SuppressWarnings("unchecked")
            Map<String, Number> phases = (Map<String, Number>) row.get("phases");
            phases.forEach((name, value) -> sums.merge("phase " + name, value.doubleValue(), Double::sum));
            sums.merge("driverResultBytes", row.number("driverResultBytes"), Double::sum);
            sums.merge("broadcastBytes", row.number("broadcastBytes"), Double::sum);
            sums.merge("shuffleWriteBytes", nested(row, "tasks", "shuffleWriteBytes"), Double::sum);
            sums.merge("shuffleReadBytes", nested(row, "aggregation", "shuffleReadBytes"), Double::sum);
            sums.merge("replicaComputeSeconds", row.number("replicaComputeSeconds"), Double::sum);
            long[] driverIo = io.of(round);
            if (driverIo != null) {
                sums.merge("driverReadBytes", (double) driverIo[0], Double::sum);
                sums.merge("driverWrittenBytes", (double) driverIo[1], Double::sum);
            }
        }
        int rounds = Math.max(1, n);
        sums.forEach((name, value) -> result.put(name, value / rounds));
        result.put("roundsMeasured", n);
        double seconds = 0;
        for (String phase : List.of("broadcast", "replica compute", "aggregation", "cleanup", "master update")) {
            seconds += sums.getOrDefault("phase " + phase, 0.0) / rounds;
        }
        result.put("roundSeconds", seconds);
    }

    private static double nested(MetricsRow row, String group, String field) {
        Object map = row.get(group);
        Object value = map instanceof Map ? ((Map<?, ?>) map).get(field) : null;
        return value instanceof Number ? ((Number) value).doubleValue() : Double.NaN;
    }
}
