package io.sparkrnn.bench;

import java.io.File;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What to run and how long: sections, quick or full, where child logs go. */
public final class BenchSettings {
    /** The harness's sections, in the order they run; convergence only when named (it takes an hour or more). */
    public enum Section { GEMM, REPLICA, PEER, DISTRIBUTED, CONVERGENCE, SCORING }

    final boolean quick;
    final Set<Section> sections;
    final List<String> cases;
    final List<String> threads;
    final File logDir;
    final ConvergenceSettings convergence;

    /**
     * @param threads thread settings of the replica section: "1", "omp", "blas" (empty: all)
     */
    public BenchSettings(boolean quick, Set<Section> sections, List<String> cases, List<String> threads, File logDir) {
        this(quick, sections, cases, threads, logDir, null);
    }

    /** @param convergence what the convergence section trains; needed when it is among the sections */
    public BenchSettings(boolean quick, Set<Section> sections, List<String> cases, List<String> threads, File logDir,
                         ConvergenceSettings convergence) {
        this.quick = quick;
        this.sections = sections.isEmpty() ? EnumSet.of(Section.GEMM, Section.REPLICA, Section.PEER, Section.DISTRIBUTED,
                Section.SCORING)
                : EnumSet.copyOf(sections);
        this.convergence = convergence;
        this.cases = cases;
        this.threads = threads;
        this.logDir = logDir;
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
                    + "convergence or scoring");
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

    DistributedProbe.Settings distributed() {
        return quick ? new DistributedProbe.Settings(2, 128, 32, 2, 3, 8)
                : new DistributedProbe.Settings(3, 256, 64, 2, 6, 8);
    }
}
