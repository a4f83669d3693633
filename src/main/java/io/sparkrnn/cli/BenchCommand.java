package io.sparkrnn.cli;

import io.sparkrnn.bench.BenchHarness;
import io.sparkrnn.bench.BenchSettings;
import io.sparkrnn.bench.ConvergenceSettings;
import io.sparkrnn.config.ConfigError;
import io.sparkrnn.config.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark this machine: ND4J GEMM, single-replica training (ours vs stock DL4J, and vs "
                + "PyTorch on the CPU with the peers build), distributed training (our master vs DL4J's), "
                + "forward-only scoring against training and, when named, time to quality, the master at scale and the "
                + "quality of its aggregation options, with thread settings, load and memory.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Fewer, shorter measurements and a smaller distributed model (minutes).")
    boolean quick;

    @Option(names = "--sections", split = ",", paramLabel = "NAME",
            description = "Sections to run: gemm, replica, peer (ours vs PyTorch on the CPU; needs the peers build, "
                    + "mvn -Ppeers), distributed, convergence, scoring (forward-only scoring against training), scale, "
                    + "options (default: all but convergence, scale and options; peer is skipped with a note without the "
                    + "peers build; convergence trains to a target quality with 1, 2, 4 replicas and takes an hour or "
                    + "more; scale needs about 10 GB of free disk for its shuffle).")
    List<String> sections = new ArrayList<>();

    @Option(names = "--cases", split = ",", paramLabel = "NAME",
            description = "Single-replica workloads: a (3 x lstm 256), b (3 x lstm 512), c (3 x gru 256), "
                    + "d (4 x lstm 256 dense); default: all.")
    List<String> cases = new ArrayList<>();

    @Option(names = "--threads", split = ",", paramLabel = "NAME",
            description = "Thread settings of the replica section: 1 (OMP_NUM_THREADS=1), omp (OMP_NUM_THREADS=cores), "
                    + "blas (OMP_NUM_THREADS=1, OpenBLAS threads = cores at run time); default: all.")
    List<String> threads = new ArrayList<>();

    @Option(names = "--master", paramLabel = "URL", description = "A standalone cluster (spark://host:port, e.g. "
            + "deploy/local/cluster.sh's MASTER_URL) the scale section runs on too, besides local[2].")
    List<String> masters = new ArrayList<>();

    @Option(names = "--scale-replicas", split = ",", paramLabel = "N", description = "Scale: replica counts to run, "
            + "out of 2, 4, 8, 16, 32 (default: all), to split its runs over several invocations.")
    List<Integer> scaleReplicas = new ArrayList<>();

    @Option(names = "--reuse-logs", description = "Read a child run's results from its log in --logs when it is "
            + "there instead of running it again (to assemble the tables of runs made in several invocations).")
    boolean reuseLogs;

    @Option(names = "--conf", paramLabel = "FILE", description = "Convergence: the configuration to train "
            + "(default: conf/local.conf, the quick start's).")
    File conf = new File("conf/local.conf");

    @Option(names = "--corpus", paramLabel = "URI", description = "Convergence: corpus URIs (data.corpus; default: the "
            + "config's).")
    String corpus;

    @Option(names = "--replicas", split = ",", paramLabel = "R",
            description = "Convergence: replica counts; RxC runs R replicas on tasks of C cores (default: 1,1x2,2,4).")
    List<String> replicas = new ArrayList<>(List.of("1", "1x2", "2", "4"));

    @Option(names = "--seeds", split = ",", paramLabel = "S", description = "Convergence: run.seed values (default: 1,2,3).")
    List<Long> seeds = new ArrayList<>(List.of(1L, 2L, 3L));

    @Option(names = "--target", paramLabel = "BPC", description = "Convergence: target validation bits per character "
            + "(default: ${DEFAULT-VALUE}).")
    double target = 2.5;

    @Option(names = "--tokens", paramLabel = "N", description = "Convergence: training tokens per run (default: "
            + "${DEFAULT-VALUE}).")
    long tokens = 1_310_720;

    @Option(names = "--eval-tokens", paramLabel = "N", description = "Convergence: validate about every N training "
            + "tokens (default: ${DEFAULT-VALUE}).")
    long evalTokens = 65_536;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Convergence: a setting for every run, on top of "
            + "--conf (repeatable), e.g. --set train.lrScaling=sqrt.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--csv", paramLabel = "FILE", description = "Convergence: where every validation of every run "
            + "goes (default: target/bench/convergence.csv).")
    File csv = new File("target/bench/convergence.csv");

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the report to this file.")
    File out;

    @Option(names = "--logs", paramLabel = "DIR", description = "Where the child JVMs' logs go (default: target/bench).")
    File logs = new File("target/bench");

    @Override
    public Integer call() throws Exception {
        BenchSettings settings;
        try {
            Set<BenchSettings.Section> chosen = EnumSet.noneOf(BenchSettings.Section.class);
            for (String name : sections) {
                chosen.add(BenchSettings.section(name));
            }
            ConvergenceSettings convergence = chosen.contains(BenchSettings.Section.CONVERGENCE)
                    ? new ConvergenceSettings(conf, corpus, replicas, seeds, target, tokens, evalTokens, overrides, csv)
                    : null;
            settings = new BenchSettings(quick, chosen, cases, threads, logs.getAbsoluteFile(), convergence, masters,
                    scaleReplicas, reuseLogs);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("bench options", e.getMessage());
        }
        String commandLine = "sparkrnn bench" + (quick ? " --quick" : "")
                + (sections.isEmpty() ? "" : " --sections " + String.join(",", sections))
                + (cases.isEmpty() ? "" : " --cases " + String.join(",", cases))
                + (threads.isEmpty() ? "" : " --threads " + String.join(",", threads))
                + (chosen(BenchSettings.Section.CONVERGENCE) ? convergenceArguments() : "")
                + (masters.isEmpty() ? "" : " --master " + String.join(" --master ", masters))
                + (scaleReplicas.isEmpty() ? "" : " --scale-replicas " + scaleReplicas.stream().map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(",")))
                + (reuseLogs ? " --reuse-logs" : "");
        new BenchHarness(settings, System.out).run(commandLine, out == null ? null : Path.of(out.getPath()));
        return ExitCodes.OK;
    }

    private boolean chosen(BenchSettings.Section section) {
        return sections.stream().anyMatch(name -> BenchSettings.section(name) == section);
    }

    private String convergenceArguments() {
        StringBuilder text = new StringBuilder(" --conf " + conf + (corpus == null ? "" : " --corpus " + corpus)
                + " --replicas " + String.join(",", replicas) + " --seeds "
                + String.join(",", seeds.stream().map(String::valueOf).toArray(String[]::new))
                + " --target " + target + " --tokens " + tokens + " --eval-tokens " + evalTokens);
        overrides.forEach(o -> text.append(" --set ").append(o));
        return text.toString();
    }
}
