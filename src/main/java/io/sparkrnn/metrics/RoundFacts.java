package io.sparkrnn.metrics;

/**
 * What Spark measured of one round's tasks: its replica tasks (the {@code tasks} object of a metrics.jsonl row) and
 * its aggregation tasks (the {@code aggregation} object).
 */
public final class RoundFacts {
    private final TaskFacts replicas = new TaskFacts();
    private final TaskFacts aggregation = new TaskFacts();

    public TaskFacts replicas() { return replicas; }

    public TaskFacts aggregation() { return aggregation; }

    /** Bytes of task results the driver received in the round: the aggregation's slice sums and the replicas' map statuses. */
    public long driverResultBytes() {
        return replicas.resultBytes() + aggregation.resultBytes();
    }
}
