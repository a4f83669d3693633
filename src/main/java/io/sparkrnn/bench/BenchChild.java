package io.sparkrnn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkrnn.train.Nd4jThreads;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the child JVMs the harness starts: thread settings (OMP_NUM_THREADS and friends) must be in the
 * environment before ND4J loads, so every thread setting gets its own JVM. Arguments: the probe name, then
 * key=value settings. Each result is printed as one line {@code BENCH <json>} on standard output.
 */
public final class BenchChild {
    static final String RESULT_PREFIX = "BENCH ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchChild() { }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            settings.put(kv[0], kv[1]);
        }
        if (settings.containsKey("nd4jThreads")) {
            Nd4jThreads.use(Integer.parseInt(settings.get("nd4jThreads")));
        }
        for (Map<String, Object> result : probe(args[0], settings)) {
            // The peer's JVM must not load ND4J (two OpenMP runtimes in one process); it reports its own threads.
            result.putIfAbsent("threads", Nd4jThreads.describe());
            System.out.println(RESULT_PREFIX + JSON.writeValueAsString(result));
        }
        System.out.flush();
        System.exit(0);
    }

    private static List<Map<String, Object>> probe(String name, Map<String, String> s) throws Exception {
        switch (name) {
            case "gemm": {
                double[] gflops = GemmProbe.measure(Integer.parseInt(s.get("n")), Integer.parseInt(s.get("repeats")),
                        Double.parseDouble(s.get("seconds")));
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("gflops", Stats.median(gflops));
                r.put("bestGflops", Stats.best(gflops));
                r.put("load", LoadAverage.now());
                return List.of(r);
            }
            case "replica":
                return List.of(new ReplicaProbe(ReplicaCase.byName(s.get("case")), Integer.parseInt(s.get("warmup")),
                        Integer.parseInt(s.get("rounds")), Integer.parseInt(s.get("steps")),
                        !"false".equals(s.get("stock")), "true".equals(s.get("dl4jLayer"))).run());
            case "peer":
                return List.of(PeerProbe.load().run(ReplicaCase.byName(s.get("case")), Integer.parseInt(s.get("warmup")),
                        Integer.parseInt(s.get("rounds")), Integer.parseInt(s.get("steps"))));
            case "scoring":
                return List.of(new ScoringProbe(ReplicaCase.byName(s.get("case")),
                        java.util.Arrays.stream(s.get("batches").split(",")).mapToInt(Integer::parseInt).toArray(),
                        Integer.parseInt(s.get("lines")), Integer.parseInt(s.get("warmup")),
                        Integer.parseInt(s.get("rounds")), Integer.parseInt(s.get("steps")),
                        org.nd4j.linalg.factory.Nd4j.factory().blas().getMaxThreads()).run());
            case "distributed":
                return new DistributedProbe(DistributedProbe.Settings.parse(s)).run();
            case "convergence":
                return List.of(new ConvergenceProbe(s).run());
            case "scale":
                return new ScaleProbe(s).run();
            case "options":
                return new OptionsProbe(s).run();
            default:
                throw new IllegalArgumentException("unknown probe " + name);
        }
    }
}
