package io.sparkrnn.cli;

import io.sparkrnn.bench.BenchHarness;
import io.sparkrnn.bench.BenchSettings;
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
        description = "Benchmark this machine: ND4J GEMM, single-replica training (ours vs stock DL4J), "
                + "distributed training (our master vs DL4J's) and forward-only scoring against training, with "
                + "thread settings, load and memory.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Fewer, shorter measurements and a smaller distributed model (minutes).")
    boolean quick;

    @Option(names = "--sections", split = ",", paramLabel = "NAME",
            description = "Sections to run: gemm, replica, distributed, scoring (default: all).")
    List<String> sections = new ArrayList<>();

    @Option(names = "--cases", split = ",", paramLabel = "NAME",
            description = "Single-replica workloads: a (3 x lstm 256), b (3 x lstm 512), c (3 x gru 256), "
                    + "d (4 x lstm 256 dense); default: all.")
    List<String> cases = new ArrayList<>();

    @Option(names = "--threads", split = ",", paramLabel = "NAME",
            description = "Thread settings of the replica section: 1 (OMP_NUM_THREADS=1), omp (OMP_NUM_THREADS=cores), "
                    + "blas (OMP_NUM_THREADS=1, OpenBLAS threads = cores at run time); default: all.")
    List<String> threads = new ArrayList<>();

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
            settings = new BenchSettings(quick, chosen, cases, threads, logs.getAbsoluteFile());
        } catch (IllegalArgumentException e) {
            throw new ConfigError("bench options", e.getMessage());
        }
        String commandLine = "sparkrnn bench" + (quick ? " --quick" : "")
                + (sections.isEmpty() ? "" : " --sections " + String.join(",", sections))
                + (cases.isEmpty() ? "" : " --cases " + String.join(",", cases))
                + (threads.isEmpty() ? "" : " --threads " + String.join(",", threads));
        new BenchHarness(settings, System.out).run(commandLine, out == null ? null : Path.of(out.getPath()));
        return ExitCodes.OK;
    }
}
