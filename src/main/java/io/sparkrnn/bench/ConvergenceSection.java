package io.sparkrnn.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The convergence section: time to quality. Trains the same model with R = 1, 2, 4... replicas and several seeds for
 * one token budget, each run in its own JVM, and reports when each validation curve reaches the target bits per
 * character, in tokens (deterministic: the same seed gives the same curve) and in training seconds (depends on the
 * machine and its load), with the ratios to one replica. Every evaluation of every run goes to a CSV file.
 */
final class ConvergenceSection {
    private static final String CSV_HEADER = "corpus,run,replicas,coresPerReplica,seed,round,tokens,seconds,valBpc,"
            + "learningRate,settings";

    private final ConvergenceSettings settings;
    private final BenchReport report;
    private final ChildJvm children;

    ConvergenceSection(ConvergenceSettings settings, BenchReport report, ChildJvm children) {
        this.settings = settings;
        this.report = report;
        this.children = children;
    }

    void run() throws Exception {
        report.heading("6. Convergence: time to quality with R replicas (" + settings.describe() + ")");
        report.line("tokens and seconds to target: linear interpolation between the two validations around the "
                + "crossing; seconds are training seconds (rounds' wall time without validation and checkpoint "
                + "phases; Spark start-up and corpus preparation excluded). Curves: %s", settings.csv);
        report.line("| run | seed | rounds | tokens | train s | tok/s | final val bpc | best val bpc "
                + "| tokens to target | s to target | load before | load after |");
        report.line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        settings.csv.getAbsoluteFile().getParentFile().mkdirs();
        Map<ConvergenceSettings.Replicas, List<Map<String, Object>>> byKind = new LinkedHashMap<>();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(settings.csv.toPath(), StandardCharsets.UTF_8))) {
            csv.println(CSV_HEADER);
            for (ConvergenceSettings.Replicas kind : settings.replicas) {
                for (long seed : settings.seeds) {
                    Map<String, Object> run = train(kind, seed);
                    if (run != null) {
                        byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(run);
                        runLine(kind, run);
                        writeCurve(csv, kind, run);
                        csv.flush();
                    }
                }
            }
        }
        summary(byKind);
    }

    private Map<String, Object> train(ConvergenceSettings.Replicas kind, long seed) throws Exception {
        List<String> args = new ArrayList<>(List.of("convergence", "replicas=" + kind.replicas,
                "coresPerReplica=" + kind.coresPerReplica, "seed=" + seed, "tokens=" + settings.tokens,
                "evalTokens=" + settings.evalTokens));
        if (settings.conf != null) {
            args.add("conf=" + settings.conf.getAbsolutePath());
        }
        if (settings.corpus != null) {
            args.add("corpus=" + settings.corpus);
        }
        for (int i = 0; i < settings.overrides.size(); i++) {
            args.add(ConvergenceProbe.OVERRIDE_PREFIX + i + "=" + settings.overrides.get(i));
        }
        Map<String, String> env = new HashMap<>();
        env.put("OMP_NUM_THREADS", "1");
        String label = "convergence-r" + kind.replicas + "x" + kind.coresPerReplica + "-seed" + seed;
        try {
            return children.run(label, env, args, 90).get(0);
        } catch (IOException e) {
            report.line("| %s | %d | failed: %s |", kind.label(), seed, e.getMessage().split("\n")[0]);
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> curve(Map<String, Object> run) {
        return (List<Map<String, Object>>) run.get("curve");
    }

    private void runLine(ConvergenceSettings.Replicas kind, Map<String, Object> run) {
        List<Map<String, Object>> curve = curve(run);
        Map<String, Object> last = curve.get(curve.size() - 1);
        double tokens = TargetCrossing.number(last, "tokens");
        double seconds = TargetCrossing.number(last, "seconds");
        report.line("| %s | %s | %s | %,.0f | %.0f | %,.0f | %.3f | %.3f | %s | %s | %s | %s |", kind.label(),
                run.get("seed"), run.get("rounds"), tokens, seconds, tokens / seconds,
                TargetCrossing.number(last, "valBpc"), TargetCrossing.best(curve),
                orDash("%,.0f", TargetCrossing.at(curve, "tokens", settings.target)),
                orDash("%.0f", TargetCrossing.at(curve, "seconds", settings.target)), run.get("loadBefore"), run.get("load"));
    }

    private void writeCurve(PrintWriter csv, ConvergenceSettings.Replicas kind, Map<String, Object> run) {
        String corpus = settings.corpus == null ? "" : settings.corpus;
        for (Map<String, Object> point : curve(run)) {
            csv.println(String.join(",", quote(corpus), quote(kind.label()), String.valueOf(kind.replicas),
                    String.valueOf(kind.coresPerReplica), String.valueOf(run.get("seed")), String.valueOf(point.get("round")),
                    String.format(Locale.ROOT, "%.0f", TargetCrossing.number(point, "tokens")),
                    String.format(Locale.ROOT, "%.3f", TargetCrossing.number(point, "seconds")),
                    String.format(Locale.ROOT, "%.5f", TargetCrossing.number(point, "valBpc")),
                    String.format(Locale.ROOT, "%.6g", TargetCrossing.number(point, "learningRate")),
                    quote(String.join(" ", settings.overrides))));
        }
    }

    /** Means over seeds per kind of run, and their ratios to one replica (of one core, and at its best). */
    private void summary(Map<ConvergenceSettings.Replicas, List<Map<String, Object>>> byKind) {
        report.line("");
        report.line("Means over seeds (a mean of times to target only when every seed reached it):");
        report.line("| run | seeds | mean final val bpc | mean tokens to target | vs R=1 | mean s to target | vs R=1 "
                + "| vs best R=1 |");
        report.line("|---|---|---|---|---|---|---|---|");
        Map<ConvergenceSettings.Replicas, double[]> means = new LinkedHashMap<>();
        byKind.forEach((kind, runs) -> means.put(kind, new double[] {
                mean(runs, run -> TargetCrossing.at(curve(run), "tokens", settings.target)),
                mean(runs, run -> TargetCrossing.at(curve(run), "seconds", settings.target)),
                mean(runs, run -> TargetCrossing.number(curve(run).get(curve(run).size() - 1), "valBpc"))}));
        double[] one = null;
        double bestOneSeconds = Double.NaN;
        for (Map.Entry<ConvergenceSettings.Replicas, double[]> e : means.entrySet()) {
            if (e.getKey().replicas == 1) {
                if (one == null && e.getKey().coresPerReplica == 1) {
                    one = e.getValue();
                }
                bestOneSeconds = Double.isNaN(bestOneSeconds) ? e.getValue()[1] : Math.min(bestOneSeconds, e.getValue()[1]);
            }
        }
        for (Map.Entry<ConvergenceSettings.Replicas, double[]> e : means.entrySet()) {
            double[] m = e.getValue();
            report.line("| %s | %d | %.3f | %s | %s | %s | %s | %s |", e.getKey().label(), byKind.get(e.getKey()).size(),
                    m[2], orDash("%,.0f", m[0]), one == null ? "-" : orDash("%.2fx", m[0] / one[0]), orDash("%.0f", m[1]),
                    one == null ? "-" : orDash("%.2fx", m[1] / one[1]), orDash("%.2fx", m[1] / bestOneSeconds));
        }
    }

    private static double mean(List<Map<String, Object>> runs, java.util.function.ToDoubleFunction<Map<String, Object>> f) {
        return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static String orDash(String format, double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "-";
    }

    private static String quote(String text) {
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
