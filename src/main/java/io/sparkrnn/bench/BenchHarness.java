package io.sparkrnn.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark harness ({@code sparkrnn bench}): machine facts, then GEMM, single-replica, peer, distributed,
 * convergence and scoring sections and (when named) scale and aggregation-options sections, each figure with the load
 * average at the time. Every thread setting runs in its own child JVM, because ND4J and OpenBLAS read their thread
 * variables once, when they load.
 */
public final class BenchHarness {
    private final BenchSettings settings;
    private final BenchReport report;
    private final ChildJvm children;
    private static final int CHECKPOINT_EVERY_DEFAULT = io.sparkrnn.config.Options.CHECKPOINT_EVERY.defaultValue();
    private final int cores = Runtime.getRuntime().availableProcessors();

    public BenchHarness(BenchSettings settings, java.io.PrintStream out) {
        this.settings = settings;
        this.report = new BenchReport(out);
        this.children = new ChildJvm(settings.logDir, settings.reuseLogs);
    }

    public void run(String commandLine, java.nio.file.Path saveTo) throws Exception {
        report.heading("Machine");
        MachineFacts.report(report, commandLine);
        report.line("child JVM logs: %s", settings.logDir);
        if (settings.sections.contains(BenchSettings.Section.GEMM)) {
            gemm();
        }
        if (settings.sections.contains(BenchSettings.Section.REPLICA)) {
            replicas();
        }
        if (settings.sections.contains(BenchSettings.Section.PEER)) {
            new PeerSection(settings, report, children).run();
        }
        if (settings.sections.contains(BenchSettings.Section.DISTRIBUTED)) {
            distributed();
        }
        if (settings.sections.contains(BenchSettings.Section.CONVERGENCE)) {
            new ConvergenceSection(settings.convergence, report, children).run();
        }
        if (settings.sections.contains(BenchSettings.Section.SCORING)) {
            scoring();
        }
        ScaleBench scale = new ScaleBench(settings, report, children);
        if (settings.sections.contains(BenchSettings.Section.SCALE)) {
            scale.scale();
        }
        if (settings.sections.contains(BenchSettings.Section.OPTIONS)) {
            scale.options();
        }
        if (saveTo != null) {
            report.save(saveTo);
        }
    }

    private void gemm() throws Exception {
        report.heading("1. ND4J float GEMM 1024^3 (OpenBLAS sgemm), GFLOP/s, median of " + settings.gemmRepeats()
                + " windows of " + settings.gemmSeconds() + " s");
        List<String> args = List.of("gemm", "n=1024", "repeats=" + settings.gemmRepeats(),
                "seconds=" + settings.gemmSeconds());
        report.line("| setting | GFLOP/s | vs 1 thread | load |");
        report.line("|---|---|---|---|");
        double one = gemmLine("1 thread", env("1"), args, Double.NaN);
        gemmLine(cores + " threads (OMP_NUM_THREADS=" + cores + ")", env(String.valueOf(cores)), args, one);
        Map<String, String> passive = env(String.valueOf(cores));
        passive.put("OMP_WAIT_POLICY", "PASSIVE");
        gemmLine(cores + " threads, OMP_WAIT_POLICY=PASSIVE", passive, args, one);
        List<String> runtime = new ArrayList<>(args);
        runtime.add("nd4jThreads=" + cores);
        gemmLine(cores + " threads set at run time (OMP_NUM_THREADS=1, then Nd4jThreads.use)", env("1"), runtime, one);
        // If independent single-thread processes cannot each reach the 1-thread figure, the cores are not free.
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < cores; i++) {
            started.add(children.start("gemm-parallel-" + i, env("1"), args));
        }
        double sum = 0;
        String load = "";
        for (int i = 0; i < cores; i++) {
            Map<String, Object> r = children.results("gemm-parallel-" + i, started.get(i), 10).get(0);
            sum += number(r, "gflops");
            load = (String) r.get("load");
        }
        report.line("| %-70s | %6.1f | %4.2fx | %s |", cores + " processes x 1 thread at once (sum)", sum, sum / one, load);
    }

    private double gemmLine(String label, Map<String, String> env, List<String> args, double baseline)
            throws Exception {
        Map<String, Object> r = children.run("gemm-" + label.replaceAll("[^A-Za-z0-9]+", "-"), env, args, 10).get(0);
        double gflops = number(r, "gflops");
        report.line("| %-70s | %6.1f | %s | %s |", label, gflops,
                Double.isNaN(baseline) ? "  1x " : String.format(java.util.Locale.ROOT, "%4.2fx", gflops / baseline),
                r.get("load"));
        return gflops;
    }

    private void replicas() throws Exception {
        report.heading("2. Single replica, full training step with Adam: ours (ReplicaTrainer, fused layers) vs stock "
                + "DL4J (ComputationGraph.fit), timed in alternating windows in one JVM per thread count");
        report.line("Thread settings: " + String.join("; ", threadVariants().stream().map(v -> v.label + " = "
                + v.description).toArray(String[]::new)));
        report.line("| case | threads | ours tok/s | ours GFLOP/s | of GEMM | stock tok/s | stock GFLOP/s | of GEMM "
                + "| ours/stock | GEMM GFLOP/s | load |");
        report.line("|---|---|---|---|---|---|---|---|---|---|---|");
        List<ReplicaCase> cases = new ArrayList<>();
        for (ReplicaCase c : ReplicaCase.standard()) {
            if (settings.cases.isEmpty() || settings.cases.contains(c.name)) {
                cases.add(c);
            }
        }
        Map<String, List<Map<String, Object>>> byCase = new LinkedHashMap<>();
        for (ReplicaCase c : cases) {
            for (ThreadVariant variant : threadVariants()) {
                List<String> args = new ArrayList<>(List.of("replica", "case=" + c.name,
                        "warmup=" + settings.warmupSteps(), "rounds=" + settings.rounds(),
                        "steps=" + settings.stepsPerRound(), "dl4jLayer=" + c.name.equals("a")));
                args.addAll(variant.args);
                Map<String, Object> r;
                try {
                    r = children.run("replica-" + c.name + "-" + variant.id, variant.env, args,
                            settings.childTimeoutMinutes()).get(0);
                } catch (java.io.IOException e) {
                    report.line("| %s | %s | failed: %s | %s |", c.name, variant.label,
                            e.getMessage().split("\n")[0], LoadAverage.now());
                    continue;
                }
                r.put("threadCount", variant.label);
                byCase.computeIfAbsent(c.name, k -> new ArrayList<>()).add(r);
                replicaLine(r);
            }
        }
        report.line("");
        for (List<Map<String, Object>> runs : byCase.values()) {
            for (Map<String, Object> r : runs) {
                if (r.containsKey("oursWithDl4jLstmTokensPerSecond")) {
                    report.line("case %s, %s: our training step with DL4J's LSTM layer instead of FastLstm: %,.0f tok/s "
                            + "(FastLstm: %,.0f, %.2fx)", r.get("case"), r.get("threadCount"),
                            number(r, "oursWithDl4jLstmTokensPerSecond"), number(r, "oursTokensPerSecond"),
                            number(r, "oursTokensPerSecond") / number(r, "oursWithDl4jLstmTokensPerSecond"));
                }
            }
        }
        report.line("");
        report.line("Each at its best thread setting:");
        for (ReplicaCase c : cases) {
            if (byCase.containsKey(c.name)) {
                bestLine(c, byCase.get(c.name));
            }
        }
    }

    private void replicaLine(Map<String, Object> r) {
        double flops = number(r, "flopsPerToken");
        double gemm = number(r, "gemmGflops");
        double ours = number(r, "oursTokensPerSecond");
        double stock = r.containsKey("stockTokensPerSecond") ? number(r, "stockTokensPerSecond") : Double.NaN;
        report.line("| %s | %s | %,.0f | %.1f | %.0f%% | %s | %s | %s | %s | %.1f | %s |", r.get("case"),
                r.get("threadCount"), ours, ours * flops / 1e9, 100 * ours * flops / 1e9 / gemm,
                Double.isNaN(stock) ? "-" : String.format(java.util.Locale.ROOT, "%,.0f", stock),
                Double.isNaN(stock) ? "-" : String.format(java.util.Locale.ROOT, "%.1f", stock * flops / 1e9),
                Double.isNaN(stock) ? "-" : String.format(java.util.Locale.ROOT, "%.0f%%", 100 * stock * flops / 1e9 / gemm),
                Double.isNaN(stock) ? "-" : String.format(java.util.Locale.ROOT, "%.2fx", number(r, "ratio")),
                gemm, r.get("load"));
    }

    private void bestLine(ReplicaCase c, List<Map<String, Object>> runs) {
        Map<String, Object> bestOurs = null;
        Map<String, Object> bestStock = null;
        for (Map<String, Object> r : runs) {
            if (bestOurs == null || number(r, "oursTokensPerSecond") > number(bestOurs, "oursTokensPerSecond")) {
                bestOurs = r;
            }
            if (r.containsKey("stockTokensPerSecond") && (bestStock == null
                    || number(r, "stockTokensPerSecond") > number(bestStock, "stockTokensPerSecond"))) {
                bestStock = r;
            }
        }
        if (bestStock == null) {
            report.line("- %s: ours %,.0f tok/s at threads %s; no stock baseline", c.describe(),
                    number(bestOurs, "oursTokensPerSecond"), bestOurs.get("threadCount"));
            return;
        }
        report.line("- %s: ours %,.0f tok/s at threads %s, stock %,.0f at %s: %.2fx", c.describe(),
                number(bestOurs, "oursTokensPerSecond"), bestOurs.get("threadCount"),
                number(bestStock, "stockTokensPerSecond"), bestStock.get("threadCount"),
                number(bestOurs, "oursTokensPerSecond") / number(bestStock, "stockTokensPerSecond"));
    }

    private void distributed() throws Exception {
        DistributedProbe.Settings d = settings.distributed();
        report.heading("4-6. Distributed: " + d.describe() + ", bundled corpus, OMP_NUM_THREADS=1, Spark local mode "
                + "(driver and executors in one JVM: the memory columns are that JVM's peaks)");
        List<Map<String, Object>> runs = children.run("distributed", env("1"), concat("distributed", d.asArgs()), 120);
        Map<String, Map<String, Object>> byRun = new HashMap<>();
        report.line("DL4J's master trains the same graph as ours (our fused layers): the comparison is of the masters.");
        report.line("| run | replicas | rounds | tok/s (all rounds) | tok/s (rounds 2+) | val bpc | peak heap MB "
                + "| peak off-heap MB | peak RSS MB | load |");
        report.line("|---|---|---|---|---|---|---|---|---|---|");
        for (Map<String, Object> r : runs) {
            byRun.put((String) r.get("run"), r);
            report.line("| %s | %s | %s | %,.0f | %,.0f | %.3f | %.0f | %.0f | %.0f | %s |", r.get("run"), r.get("replicas"),
                    r.get("rounds"), number(r, "tokensPerSecond"), number(r, "steadyTokensPerSecond"),
                    number(r, "valBpc"), number(r, "peakHeapMB"), number(r, "peakOffHeapMB"),
                    number(r, "peakResidentMB"), r.get("load"));
        }
        Map<String, Object> ours = byRun.get("ours");
        Map<String, Object> dl4j = byRun.get("dl4j");
        Map<String, Object> one = byRun.get("one replica");
        report.line("");
        if (dl4j != null) {
            report.line("ours / DL4J master (all rounds, equal averaging frequency): %.2fx",
                    number(ours, "tokensPerSecond") / number(dl4j, "tokensPerSecond"));
            report.line("DL4J master / one replica: %.2fx", number(dl4j, "tokensPerSecond") / number(one, "tokensPerSecond"));
        } else {
            report.line("no DL4J master run: this build leaves out DL4J's Spark module (mvn -Pdl4j-spark has it)");
        }
        report.line("ours / one replica: %.2fx", number(ours, "tokensPerSecond") / number(one, "tokensPerSecond"));
        report.line("quality at equal token budget: %d replicas %.3f bpc vs one replica %.3f bpc (%+.1f%%)",
                d.replicas, number(ours, "valBpc"), number(one, "valBpc"),
                100 * (number(ours, "valBpc") / number(one, "valBpc") - 1));
        report.line("");
        report.line("Mean round of ours (rounds 2+), seconds; the checkpoint is written once, after the last round:");
        @SuppressWarnings("unchecked")
        Map<String, Number> phases = (Map<String, Number>) ours.get("meanRoundPhases");
        double compute = phase(phases, "replica compute (slowest)");
        // The replica job's wall time: its tasks plus the driver folding their results as they arrive.
        double replicasPhase = phase(phases, "replica compute") + phase(phases, "aggregation");
        double overhead = phase(phases, "broadcast") + (replicasPhase - compute) + phase(phases, "master update")
                + phase(phases, "cleanup");
        double round = compute + overhead;
        double checkpoint = phase(phases, "checkpoint") * (d.rounds - 1);
        report.line("| broadcast | replica compute (slowest) | scheduling and aggregation (replica job - compute) | master update "
                + "| cleanup | round | overhead | one checkpoint |");
        report.line("|---|---|---|---|---|---|---|---|");
        report.line("| %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f%% | %.3f |", phase(phases, "broadcast"), compute,
                replicasPhase - compute, phase(phases, "master update"), phase(phases, "cleanup"), round,
                100 * overhead / round, checkpoint);
        report.line("overhead with a checkpoint every %d rounds (checkpoint.everyRounds default): %.1f%%",
                CHECKPOINT_EVERY_DEFAULT, 100 * (overhead + checkpoint / CHECKPOINT_EVERY_DEFAULT)
                        / (round + checkpoint / CHECKPOINT_EVERY_DEFAULT));
    }

    private void scoring() throws Exception {
        report.heading("8. Scoring: forward-only tokens/s per core (LanguageModelScorer, the executors' scoring path: "
                + "no backprop, no gradient or updater buffers, inference workspaces) against training tokens/s per "
                + "core (ReplicaTrainer step with Adam), same model, same JVM, alternating windows");
        report.line("Scored lines: %d characters (%d windows of %d, state carried); tokens = predicted characters. "
                + "Training: batch and sequence of the case.", ScoringProbe.LINE_LENGTH,
                (ScoringProbe.LINE_LENGTH - 1) / ReplicaCase.SEQ_LENGTH, ReplicaCase.SEQ_LENGTH);
        report.line("| case | threads | training tok/s per core | scoring batch | scoring tok/s per core "
                + "| scoring / training | load |");
        report.line("|---|---|---|---|---|---|---|");
        for (ReplicaCase c : ReplicaCase.standard()) {
            if (!settings.cases.isEmpty() && !settings.cases.contains(c.name)) {
                continue;
            }
            for (ThreadVariant variant : threadVariants()) {
                List<String> args = new ArrayList<>(List.of("scoring", "case=" + c.name,
                        "batches=" + settings.scoringBatches(), "lines=" + settings.scoringLines(),
                        "warmup=" + settings.warmupSteps(), "rounds=" + settings.rounds(),
                        "steps=" + settings.stepsPerRound()));
                args.addAll(variant.args);
                Map<String, Object> r = children.run("scoring-" + c.name + "-" + variant.id, variant.env, args,
                        settings.childTimeoutMinutes()).get(0);
                double training = number(r, "trainingTokensPerSecondPerCore");
                @SuppressWarnings("unchecked")
                Map<String, Number> byBatch = (Map<String, Number>) r.get("scoringTokensPerSecondPerCore");
                for (Map.Entry<String, Number> e : byBatch.entrySet()) {
                    double scoring = e.getValue().doubleValue();
                    report.line("| %s | %s | %,.0f | %s | %,.0f | %.2fx | %s |", c.name, variant.label, training,
                            e.getKey(), scoring, scoring / training, r.get("load"));
                }
            }
        }
    }

    private static double phase(Map<String, Number> phases, String name) {
        Number n = phases.get(name);
        return n == null ? 0 : n.doubleValue();
    }

    /** One thread setting of a child JVM: environment at load, plus what the child sets at run time. */
    private static final class ThreadVariant {
        final String id;
        final String label;
        final String description;
        final Map<String, String> env;
        final List<String> args;

        ThreadVariant(String id, String label, String description, Map<String, String> env, List<String> args) {
            this.id = id;
            this.label = label;
            this.description = description;
            this.env = env;
            this.args = args;
        }
    }

    private List<ThreadVariant> threadVariants() {
        List<ThreadVariant> variants = new ArrayList<>();
        for (ThreadVariant v : allThreadVariants()) {
            if (settings.threads.isEmpty() || settings.threads.contains(v.label.replaceAll("^\\d+ ?", ""))
                    || settings.threads.contains(v.label)) {
                variants.add(v);
            }
        }
        return variants;
    }

    private List<ThreadVariant> allThreadVariants() {
        List<ThreadVariant> variants = new ArrayList<>();
        variants.add(new ThreadVariant("1t", "1", "OMP_NUM_THREADS=1", env("1"), List.of()));
        if (cores > 1) {
            variants.add(new ThreadVariant(cores + "t-omp", cores + " omp",
                    "OMP_NUM_THREADS=" + cores + " (ND4J loops and OpenBLAS)", env(String.valueOf(cores)), List.of()));
            variants.add(new ThreadVariant(cores + "t-blas", cores + " blas", "OMP_NUM_THREADS=1, OpenBLAS "
                    + cores + " threads set at run time (what a replica task with spark.task.cpus=" + cores + " does)",
                    env("1"), List.of("nd4jThreads=" + cores)));
        }
        return variants;
    }

    static Map<String, String> env(String ompThreads) {
        Map<String, String> env = new HashMap<>();
        env.put("OMP_NUM_THREADS", ompThreads);
        return env;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    static double number(Map<String, Object> r, String key) {
        Object v = r.get(key);
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }
}
