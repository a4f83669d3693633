package io.sparkrnn.metrics;

import org.apache.spark.SparkContext;
import org.apache.spark.util.AccumulatorV2;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named accumulators the replica tasks add to, shown per stage on the Spark UI's Stages page and in the
 * REST API ({@code /api/v1/applications/<id>/stages}, {@code accumulatorUpdates}). The driver resets them at the
 * start of every round, so the value a replica stage shows is that round's total.
 *
 * <p>Spark applies an accumulator update exactly once per partition only when the update is made inside an
 * action's result stage; for a shuffle map task it applies the update of every successful attempt. The replica
 * tasks are shuffle map tasks, so the replicas' statistics are added by the round's aggregation job instead (its
 * slice-0 task, in the result stage), and a retried, recomputed or speculative task is not counted twice. The
 * Stages page therefore shows them on each round's aggregation stage. A replica whose update is dropped as
 * non-finite adds only to {@link #nonFiniteSteps()}, which keeps the token and loss totals equal to what
 * metrics.jsonl reports.
 */
public final class ReplicaAccumulators implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String TOKENS = "spark-rnn tokens trained";
    public static final String LOSS_SUM = "spark-rnn loss sum (nats)";
    public static final String EXAMPLES = "spark-rnn examples";
    public static final String GRAD_NORM_SUM = "spark-rnn grad norm sum (pre-clip)";
    public static final String GRAD_NORM_MAX = "spark-rnn grad norm max (pre-clip)";
    public static final String CLIPPED_STEPS = "spark-rnn clipped steps";
    public static final String NON_FINITE_STEPS = "spark-rnn non-finite steps skipped";

    private final LongAccumulator tokens = new LongAccumulator();
    private final DoubleAccumulator lossSum = new DoubleAccumulator();
    private final LongAccumulator examples = new LongAccumulator();
    private final DoubleAccumulator gradNormSum = new DoubleAccumulator();
    private final MaxAccumulator gradNormMax = new MaxAccumulator();
    private final LongAccumulator clippedSteps = new LongAccumulator();
    private final LongAccumulator nonFiniteSteps = new LongAccumulator();

    private ReplicaAccumulators() { }

    /** Creates the accumulators and registers them, by name, with the driver's context. */
    public static ReplicaAccumulators register(SparkContext sc) {
        ReplicaAccumulators accumulators = new ReplicaAccumulators();
        accumulators.byName().forEach((name, accumulator) -> sc.register(accumulator, name));
        return accumulators;
    }

    /** Driver side, before a round's replica job: the stage then shows only that round's updates. */
    public void reset() {
        all().forEach(AccumulatorV2::reset);
    }

    /** Tokens trained by replicas whose update was kept. */
    public LongAccumulator tokens() { return tokens; }
    /** Summed per-token training loss (nats) of those tokens; divided by {@link #tokens()} it is trainLoss. */
    public DoubleAccumulator lossSum() { return lossSum; }
    /** Training windows (sequences) those replicas trained on. */
    public LongAccumulator examples() { return examples; }
    /** Sum over local steps of the global gradient norm before clipping. */
    public DoubleAccumulator gradNormSum() { return gradNormSum; }
    /** Largest global gradient norm before clipping of any local step. */
    public MaxAccumulator gradNormMax() { return gradNormMax; }
    /** Local steps whose gradient was clipped. */
    public LongAccumulator clippedSteps() { return clippedSteps; }
    /** Local steps thrown away because their replica went non-finite (all K steps of that replica). */
    public LongAccumulator nonFiniteSteps() { return nonFiniteSteps; }

    /** Name -> current value, as the driver sees it. */
    public Map<String, Object> values() {
        Map<String, Object> values = new LinkedHashMap<>();
        byName().forEach((name, accumulator) -> values.put(name, accumulator.value()));
        return values;
    }

    private Map<String, AccumulatorV2<?, ?>> byName() {
        Map<String, AccumulatorV2<?, ?>> named = new LinkedHashMap<>();
        named.put(TOKENS, tokens);
        named.put(LOSS_SUM, lossSum);
        named.put(EXAMPLES, examples);
        named.put(GRAD_NORM_SUM, gradNormSum);
        named.put(GRAD_NORM_MAX, gradNormMax);
        named.put(CLIPPED_STEPS, clippedSteps);
        named.put(NON_FINITE_STEPS, nonFiniteSteps);
        return named;
    }

    private List<AccumulatorV2<?, ?>> all() {
        return List.copyOf(byName().values());
    }
}
