package io.sparkrnn.bench;

import java.io.File;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What to run and how long: sections, quick or full, where child logs go. */
public final class BenchSettings {
    /**
     * The harness's sections, in the order they run; CONVERGENCE (an hour or more), SCALE and OPTIONS (long, and many
     * GB of disk) only when named.
     */
    public enum Section { GEMM, REPLICA, PEER, DISTRIBUTED, CONVERGENCE, SCORING, SCALE, OPTIONS }

    final boolean quick;
    final Set<Section> sections;
    final List<String> cases;
    final List<String> threads;
    final File logDir;
    final ConvergenceSettings convergence;
    /** Standalone masters (spark://...) the scale section also runs on, besides local[2]. */
    final List<String> masters;
    /** Replica counts the scale section runs (empty: all of them). */
    final List<Integer> replicas;
    /** Take a child's result from its log in logDir when one is there, instead of running it again. */
    final boolean reuseLogs;

    /**
     * @param threads thread settings of the replica section: "1", "omp", "blas" (empty: all)
     */
    public BenchSettings(boolean quick, Set<Section> sections, List<String> cases, List<String> threads, File logDir) {
        this(quick, sections, cases, threads, logDir, null, List.of(), List.of(), false);
    }

    /**
     * @param convergence what the convergence section trains; needed when it is among the sections
     * @param masters standalone masters the scale section also runs on
     * @param replicas replica counts the scale section runs (empty: all)
     * @param reuseLogs read a child's results from its log when there instead of running it again
     */
    public BenchSettings(boolean quick, Set<Section> sections, List<String> cases, List<String> threads, File logDir,
                         ConvergenceSettings convergence, List<String> masters, List<Integer> replicas,
                         boolean reuseLogs) {
        this.quick = quick;
        this.sections = sections.isEmpty() ? EnumSet.of(Section.GEMM, Section.REPLICA, Section.PEER, Section.DISTRIBUTED,
                Section.SCORING)
                : EnumSet.copyOf(sections);
        this.convergence = convergence;
        this.cases = cases;
        this.threads = threads;
        this.logDir = logDir;
        this.masters = masters;
        this.replicas = replicas;
        this.reuseLogs = reuseLogs;
        for (String master : masters) {
            if (!master.startsWith("spark://")) {
                throw new IllegalArgumentException("--master " + master + " is not a standalone master (spark://host:port)");
            }
        }
        cases.forEach(ReplicaCase::byName);
        if (sections.contains(Section.PEER) && !PeerProbe.available()) {
            throw new IllegalArgumentException(PeerProbe.HOW_TO_ENABLE);
        }
        for (String t : threads) {
            if (!List.of("1", "omp", "blas").contains(t)) {
                throw new IllegalArgumentException("unknown thread setting '" + t + "'; use 1, omp or blas");
            }
        }
    }

    /** Parses a section name as the command line gives it (case-insensitive). */
    public static Section section(String name) {
        try {
            return Section.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown section '" + name + "'; use gemm, replica, peer, distributed, "
                    + "convergence, scoring, scale or options");
        }
    }

    int gemmRepeats() { return quick ? 2 : 5; }
    /** A child that takes longer than this is reported as failed and the harness goes on. */
    long childTimeoutMinutes() { return quick ? 20 : 60; }
    double gemmSeconds() { return quick ? 0.5 : 1.0; }
    int warmupSteps() { return quick ? 1 : 2; }
    int rounds() { return quick ? 2 : 4; }
    int stepsPerRound() { return quick ? 1 : 2; }
    /** Child JVMs per side and thread setting in the peer section, alternating ours and the peer's. */
    int peerRepeats() { return quick ? 1 : 2; }
    /** Where DJL extracts libtorch from its jar (ENGINE_CACHE_DIR): next to the child logs. */
    File peerEngineCache() { return new File(logDir, "djl-cache"); }

    /** Lines of {@link ScoringProbe#LINE_LENGTH} characters scored per timed window. */
    int scoringLines() { return quick ? 64 : 256; }
    /** Scoring batch sizes: the training batch of the workloads, the scorer's default, and larger. */
    String scoringBatches() { return "64,128,256"; }

    /** Replica counts of the scale section. */
    List<Integer> scaleReplicas() { return selected(quick ? List.of(2, 8) : List.of(2, 4, 8, 16, 32)); }

    /** Replica counts of the scale section's runs with local moments and bfloat16 updates (local[2] only). */
    List<Integer> leanScaleReplicas() { return selected(quick ? List.of(2, 8) : List.of(2, 8, 32)); }

    private List<Integer> selected(List<Integer> counts) {
        return replicas.isEmpty() ? counts : counts.stream().filter(replicas::contains).collect(Collectors.toList());
    }

    /** The options section's training run: model, replicas, steps and rounds. */
    java.util.Map<String, String> optionsRun() {
        java.util.Map<String, String> run = new java.util.LinkedHashMap<>();
        run.put("layers", "2");
        run.put("hidden", "128");
        run.put("batch", "16");
        run.put("replicas", "4");
        run.put("averagingFrequency", "8");
        run.put("rounds", quick ? "6" : "20");
        return run;
    }

    DistributedProbe.Settings distributed() {
        return quick ? new DistributedProbe.Settings(2, 128, 32, 2, 3, 8)
                : new DistributedProbe.Settings(3, 256, 64, 2, 6, 8);
    }
}
