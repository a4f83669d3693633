package io.sparkrnn.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The harness's peer section: our training step against PyTorch's on the CPU (through DJL, see {@link PeerProbe})
 * on the same workloads, each thread setting of each side in its own child JVM, ours and the peer's alternating
 * so that a neighbour's load falls on both. Every child first measures its own framework's GEMM, which "of GEMM"
 * divides by.
 */
final class PeerSection {
    private final BenchSettings settings;
    private final BenchReport report;
    private final ChildJvm children;
    private final int cores = Runtime.getRuntime().availableProcessors();

    PeerSection(BenchSettings settings, BenchReport report, ChildJvm children) {
        this.settings = settings;
        this.report = report;
        this.children = children;
    }

    void run() throws Exception {
        report.heading("3. Peer: ours vs PyTorch on the CPU (through DJL), same model, batch, sequence, Adam and "
                + "global-norm clipping; child JVMs alternating ours and PyTorch, " + settings.peerRepeats()
                + " per side and thread setting (medians)");
        if (!PeerProbe.available()) {
            report.line("skipped: " + PeerProbe.HOW_TO_ENABLE);
            return;
        }
        report.line("threads: ours 1 = OMP_NUM_THREADS=1; ours %d blas = OMP_NUM_THREADS=1 and OpenBLAS %d threads at "
                + "run time (a replica task with spark.task.cpus=%d); ours %d omp = OMP_NUM_THREADS=%d (ND4J's loops and "
                + "OpenBLAS); PyTorch N = -Dai.djl.pytorch.num_threads=N, OMP_NUM_THREADS=N", cores, cores, cores,
                cores, cores);
        report.line("| case | threads | ours tok/s | ours GEMM GFLOP/s | ours of own GEMM | PyTorch tok/s "
                + "| PyTorch GEMM GFLOP/s | PyTorch of own GEMM | ours/PyTorch | GEMM ours/PyTorch | load |");
        report.line("|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> summary = new ArrayList<>();
        for (ReplicaCase c : cases()) {
            Map<String, double[]> bySetting = new java.util.LinkedHashMap<>();
            for (String setting : threadSettings()) {
                double[] pair = measure(c, setting);
                if (pair != null) {
                    bySetting.put(setting, pair);
                }
            }
            summary.add(bestLine(c, bySetting));
        }
        report.line("");
        report.line("Each side at its best thread setting, and both at 1 thread:");
        summary.forEach(report::line);
    }

    /**
     * Ours and the peer alternately, at thread setting "1", "N blas" or "N omp" (the peer gets N threads); prints the
     * row and returns {ours tok/s, peer tok/s}, or null if a child failed.
     */
    private double[] measure(ReplicaCase c, String setting) throws InterruptedException {
        int threads = Integer.parseInt(setting.split(" ")[0]);
        String id = setting.replace(' ', '-');
        List<Map<String, Object>> ours = new ArrayList<>();
        List<Map<String, Object>> peer = new ArrayList<>();
        try {
            for (int i = 0; i < settings.peerRepeats(); i++) {
                boolean omp = setting.endsWith("omp");
                ours.add(children.run("peer-ours-" + c.name + "-" + id + "-" + i,
                        BenchHarness.env(omp ? String.valueOf(threads) : "1"), oursArgs(c, omp ? 1 : threads),
                        settings.childTimeoutMinutes()).get(0));
                peer.add(children.run("peer-pytorch-" + c.name + "-" + id + "-" + i,
                        BenchHarness.env(String.valueOf(threads)), peerFlags(threads), probeArgs("peer", c),
                        settings.childTimeoutMinutes()).get(0));
            }
        } catch (IOException e) {
            report.line("| %s | %s | failed: %s | %s |", c.name, setting, e.getMessage().split("\n")[0],
                    LoadAverage.now());
            return null;
        }
        double flops = c.spec.trainingFlopsPerToken();
        double oursRate = median(ours, "oursTokensPerSecond");
        double oursGemm = median(ours, "gemmGflops");
        double peerRate = median(peer, "peerTokensPerSecond");
        double peerGemm = median(peer, "gemmGflops");
        report.line("| %s | %s | %,.0f | %.1f | %.0f%% | %,.0f | %.1f | %.0f%% | %.2fx | %.2fx | %s |", c.name, setting,
                oursRate, oursGemm, 100 * oursRate * flops / 1e9 / oursGemm, peerRate, peerGemm,
                100 * peerRate * flops / 1e9 / peerGemm, oursRate / peerRate, oursGemm / peerGemm,
                peer.get(peer.size() - 1).get("load"));
        return new double[]{oursRate, peerRate};
    }

    private String bestLine(ReplicaCase c, Map<String, double[]> bySetting) {
        String bestOurs = null;
        String bestPeer = null;
        for (Map.Entry<String, double[]> e : bySetting.entrySet()) {
            if (bestOurs == null || e.getValue()[0] > bySetting.get(bestOurs)[0]) {
                bestOurs = e.getKey();
            }
            if (bestPeer == null || e.getValue()[1] > bySetting.get(bestPeer)[1]) {
                bestPeer = e.getKey();
            }
        }
        if (bestOurs == null) {
            return "- " + c.describe() + ": no measurement";
        }
        String line = String.format(java.util.Locale.ROOT, "- %s: ours %,.0f tok/s at threads %s, PyTorch %,.0f at "
                        + "%s thread(s): %.2fx", c.describe(), bySetting.get(bestOurs)[0], bestOurs,
                bySetting.get(bestPeer)[1], bestPeer.split(" ")[0], bySetting.get(bestOurs)[0] / bySetting.get(bestPeer)[1]);
        double[] one = bySetting.get("1");
        return one == null ? line : line + String.format(java.util.Locale.ROOT, "; at 1 thread %.2fx", one[0] / one[1]);
    }

    /** The selected workloads the peer can train: plain LSTM and GRU stacks. */
    private List<ReplicaCase> cases() {
        List<ReplicaCase> cases = new ArrayList<>();
        for (ReplicaCase c : ReplicaCase.standard()) {
            boolean selected = settings.cases.isEmpty() || settings.cases.contains(c.name);
            if (selected && c.hasPeer()) {
                cases.add(c);
            } else if (selected) {
                report.line("(%s: no peer run, the PyTorch peer trains plain LSTM and GRU stacks)", c.describe());
            }
        }
        return cases;
    }

    /** "1", then for more cores "N blas" and "N omp" as --threads selects them (default: 1 and N blas). */
    private List<String> threadSettings() {
        List<String> chosen = new ArrayList<>();
        if (settings.threads.isEmpty() || settings.threads.contains("1")) {
            chosen.add("1");
        }
        if (cores > 1 && (settings.threads.isEmpty() || settings.threads.contains("blas"))) {
            chosen.add(cores + " blas");
        }
        if (cores > 1 && settings.threads.contains("omp")) {
            chosen.add(cores + " omp");
        }
        return chosen;
    }

    private List<String> oursArgs(ReplicaCase c, int threads) {
        List<String> args = probeArgs("replica", c);
        args.add("stock=false");
        if (threads > 1) {
            args.add("nd4jThreads=" + threads);
        }
        return args;
    }

    private List<String> probeArgs(String probe, ReplicaCase c) {
        return new ArrayList<>(List.of(probe, "case=" + c.name, "warmup=" + settings.warmupSteps(),
                "rounds=" + settings.rounds(), "steps=" + settings.stepsPerRound()));
    }

    /** DJL finds libtorch in its jar on the class path (offline) and extracts it once to the cache folder. */
    private List<String> peerFlags(int threads) {
        return List.of("-Dai.djl.offline=true", "-DENGINE_CACHE_DIR=" + settings.peerEngineCache().getPath(),
                "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1");
    }

    private static double median(List<Map<String, Object>> runs, String key) {
        double[] values = runs.stream().mapToDouble(r -> BenchHarness.number(r, key)).toArray();
        return Stats.median(values);
    }
}
