package io.sparkrnn.bench;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the convergence section trains: which config and corpus, replica counts, seeds, budget and target. */
public final class ConvergenceSettings {
    /** One kind of run: R replicas, each a Spark task of c cores (c BLAS threads). */
    static final class Replicas {
        final int replicas;
        final int coresPerReplica;

        Replicas(int replicas, int coresPerReplica) {
            this.replicas = replicas;
            this.coresPerReplica = coresPerReplica;
        }

        /** "2" is 2 replicas of 1 core; "1x2" is 1 replica on a task of 2 cores. */
        static Replicas parse(String text) {
            String[] parts = text.trim().split("x", 2);
            try {
                Replicas r = new Replicas(Integer.parseInt(parts[0]), parts.length == 2 ? Integer.parseInt(parts[1]) : 1);
                if (r.replicas >= 1 && r.coresPerReplica >= 1) {
                    return r;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("bad replica setting '" + text + "'; use R (R replicas of one core) or "
                    + "RxC (R replicas on tasks of C cores), e.g. 1,1x2,2,4");
        }

        String label() {
            return coresPerReplica == 1 ? "R=" + replicas : "R=" + replicas + " x" + coresPerReplica + " cores";
        }
    }

    final File conf;
    final String corpus;
    final List<Replicas> replicas = new ArrayList<>();
    final List<Long> seeds;
    final double target;
    final long tokens;
    final long evalTokens;
    final List<String> overrides;
    final File csv;

    /**
     * @param corpus corpus URI, or null for the config's
     * @param overrides key=value settings applied to every run (what is being tried)
     */
    public ConvergenceSettings(File conf, String corpus, List<String> replicas, List<Long> seeds, double target,
                               long tokens, long evalTokens, List<String> overrides, File csv) {
        this.conf = conf;
        this.corpus = corpus;
        replicas.forEach(r -> this.replicas.add(Replicas.parse(r)));
        this.seeds = seeds;
        this.target = target;
        this.tokens = tokens;
        this.evalTokens = evalTokens;
        this.overrides = overrides;
        this.csv = csv;
        if (conf != null && !conf.isFile()) {
            throw new IllegalArgumentException("config file " + conf + " does not exist; pass --conf conf/local.conf");
        }
        if (this.replicas.isEmpty() || seeds.isEmpty() || tokens <= 0 || evalTokens <= 0 || !(target > 0)) {
            throw new IllegalArgumentException("the convergence section needs replica counts, seeds, a token budget "
                    + "and evaluation interval > 0 and a target bits per character > 0");
        }
    }

    String describe() {
        return String.format(Locale.ROOT, "config %s, corpus %s, target %.3f bits/char, budget %,d tokens, validation "
                        + "every ~%,d tokens, seeds %s%s", conf == null ? "(defaults)" : conf.getPath(),
                corpus == null ? "(the config's)" : corpus, target, tokens, evalTokens, seeds,
                overrides.isEmpty() ? "" : ", settings " + String.join(" ", overrides));
    }
}
