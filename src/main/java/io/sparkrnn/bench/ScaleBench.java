package io.sparkrnn.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.sparkrnn.bench.CostModel.number;

/**
 * The scale sections of the harness. "scale": the 21.4 M-parameter model with almost no compute at R = 2..32 replicas
 * on local[2] and, with --master, on a standalone cluster, one child JVM (one driver) per run, with each phase of the
 * round, the bytes into and out of the driver and through the shuffle, and the driver's peak heap; then a
 * least-squares line per phase against R. "options": the quality of master.optimizerState and
 * master.deltaPrecision at an equal token budget.
 */
final class ScaleBench {
    private static final double MB = 1 << 20;
    private static final List<String> PHASES = List.of("broadcast", "replica compute", "aggregation", "cleanup",
            "master update");
    private static final List<String> STANDARD = List.of();
    private static final List<String> LEAN = List.of("master.optimizerState=local", "master.deltaPrecision=bfloat16");

    private final BenchSettings settings;
    private final BenchReport report;
    private final ChildJvm children;

    ScaleBench(BenchSettings settings, BenchReport report, ChildJvm children) {
        this.settings = settings;
        this.report = report;
        this.children = children;
    }

    void scale() throws Exception {
        List<String> masters = new ArrayList<>(List.of("local[2]"));
        masters.addAll(settings.masters);
        report.heading("9. Scale: 3 x lstm 1024 (21.4 M parameters), batch 1, 8 characters, 1 local step, 4 rounds "
                + "(means of rounds 2-3); one driver JVM per run, OMP_NUM_THREADS=1");
        report.line("| master | options | replicas | broadcast s | replica compute s | aggregation s | cleanup s "
                + "| master update s | round s | driver in (task results) MB | driver process read / written MB "
                + "| broadcast MB | shuffle MB | driver heap: peak used / live after GC MB | load |");
        report.line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        CostModel standard = null;
        CostModel lean = null;
        for (String master : masters) {
            List<Map<String, Object>> runs = runs(master, STANDARD, settings.scaleReplicas());
            fit(runs);
            if (!master.startsWith("spark://")) {
                List<Map<String, Object>> leanRuns = runs(master, LEAN, settings.leanScaleReplicas());
                fit(leanRuns);
                if (runs.size() >= 2 && leanRuns.size() >= 2) {
                    standard = CostModel.fit("average, float32", runs);
                    lean = CostModel.fit("local, bfloat16", leanRuns);
                }
            }
        }
        if (standard != null) {
            CostModel.print(report, standard, lean);
        }
    }

    private List<Map<String, Object>> runs(String master, List<String> options, List<Integer> replicaCounts)
            throws Exception {
        List<Map<String, Object>> runs = new ArrayList<>();
        String where = master.startsWith("spark://") ? "standalone" : "local";
        for (int replicas : replicaCounts) {
            List<String> args = new ArrayList<>(List.of("scale", "master=" + master, "replicas=" + replicas));
            args.addAll(options);
            try {
                Map<String, Object> r = children.run("scale-" + where + "-" + (options.isEmpty() ? "standard" : "lean")
                        + "-" + replicas, env(), args, settings.childTimeoutMinutes()).get(0);
                if (r.containsKey("refused")) {
                    report.line("| %s | %s | %d | refused before training (exit 2): %s | %s |", r.get("master"),
                            label(options), replicas, r.get("refused"), r.get("load"));
                    continue;
                }
                r.put("options", label(options));
                runs.add(r);
                scaleLine(r);
            } catch (java.io.IOException e) {
                report.line("| %s | %s | %d | failed: %s | %s |", where, label(options), replicas,
                        e.getMessage().split("\n")[0], LoadAverage.now());
            }
        }
        return runs;
    }

    private static String label(List<String> options) {
        return options.isEmpty() ? "average, float32" : "local, bfloat16";
    }

    private void scaleLine(Map<String, Object> r) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %s |", r.get("master"),
                r.get("options"), r.get("replicas")));
        for (String phase : PHASES) {
            line.append(String.format(Locale.ROOT, " %.2f |", number(r, "phase " + phase)));
        }
        boolean cluster = "standalone".equals(r.get("master"));
        line.append(String.format(Locale.ROOT, " %.2f | %.0f | %s | %.0f | %.0f | %.0f / %.0f | %s |", number(r, "roundSeconds"),
                number(r, "driverResultBytes") / MB,
                cluster && r.containsKey("driverReadBytes") ? String.format(Locale.ROOT, "%.0f / %.0f",
                        number(r, "driverReadBytes") / MB, number(r, "driverWrittenBytes") / MB) : "- (one JVM)",
                number(r, "broadcastBytes") / MB, number(r, "shuffleWriteBytes") / MB, number(r, "peakHeapMB"),
                number(r, "peakLiveHeapMB"), r.get("load")));
        report.line(line.toString());
    }

    /** seconds = a + b R per phase, least squares over the runs of one master and set of options. */
    private void fit(List<Map<String, Object>> runs) {
        if (runs.size() < 2) {
            return;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "fit on %s, %s, seconds = a + b x replicas:",
                runs.get(0).get("master"), runs.get(0).get("options")));
        for (String phase : PHASES) {
            double[] ab = CostModel.leastSquares(runs, "phase " + phase);
            line.append(String.format(Locale.ROOT, " %s %.3f + %.4f R;", phase, ab[0], ab[1]));
        }
        double[] round = CostModel.leastSquares(runs, "roundSeconds");
        line.append(String.format(Locale.ROOT, " round %.3f + %.4f R", round[0], round[1]));
        report.line("");
        report.line(line.toString());
        report.line("");
    }

    void options() throws Exception {
        Map<String, String> s = settings.optionsRun();
        report.heading(String.format(Locale.ROOT, "10. Aggregation options at an equal token budget: %s x lstm %s, batch %s, "
                        + "%s replicas on local[2], averaging every %s steps, %s rounds, bundled corpus; validation bits "
                        + "per character on 1,024 held-out windows", s.get("layers"), s.get("hidden"), s.get("batch"),
                s.get("replicas"), s.get("averagingFrequency"), s.get("rounds")));
        List<String> args = new ArrayList<>(List.of("options"));
        s.forEach((k, v) -> args.add(k + "=" + v));
        List<Map<String, Object>> runs = children.run("options", env(), args, 3 * settings.childTimeoutMinutes());
        double baseline = number(runs.get(0), "valBpc");
        report.line("| master.optimizerState | master.deltaPrecision | seed | val bpc | vs baseline | shuffle bytes per "
                + "replica per round | broadcast bytes per round | wall s | load |");
        report.line("|---|---|---|---|---|---|---|---|---|");
        for (Map<String, Object> r : runs) {
            report.line("| %s | %s | %s | %.4f | %+.2f%% | %,.0f | %,.0f | %.0f | %s |", r.get("optimizerState"),
                    r.get("deltaPrecision"), r.get("seed"), number(r, "valBpc"), 100 * (number(r, "valBpc") / baseline - 1),
                    number(r, "shuffleBytesPerReplicaRound"), number(r, "broadcastBytesPerRound"),
                    number(r, "wallSeconds"), r.get("load"));
        }
        report.line("");
        report.line("%,.0f parameters; %,.0f tokens per run; the second row is the baseline at another seed: "
                + "differences smaller than its are seed noise.", number(runs.get(0), "parameters"),
                number(runs.get(0), "tokens"));
    }

    private static Map<String, String> env() {
        return new java.util.HashMap<>(Map.of("OMP_NUM_THREADS", "1"));
    }
}
