package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;

import java.util.Locale;

/**
 * What a run's rounds move, from its settings alone: how the update and the optimizer moments are sliced, and the
 * bytes of the broadcast, of the shuffle and of the driver's result per round. The round loop slices by it, the
 * pre-flight check ({@link ScaleCheck}) measures the settings against it, and the console shows it.
 */
final class AggregationPlan {
    final int replicas;
    final long parameters;
    /** Optimizer moment values (Adam: twice the parameters; SGD: none). */
    final long moments;
    final int slices;
    final DeltaCodec codec;
    final boolean localMoments;

    AggregationPlan(int replicas, long parameters, long moments, int slices, DeltaCodec codec, boolean localMoments) {
        this.replicas = replicas;
        this.parameters = parameters;
        this.moments = moments;
        this.slices = slices;
        this.codec = codec;
        this.localMoments = localMoments;
    }

    static AggregationPlan of(RunConfig config, int replicas, long parameters, long moments) {
        int configured = config.get(Options.AGGREGATION_SLICES);
        int slices = configured > 0 ? configured : SliceLayout.automaticSlices(replicas, parameters);
        return new AggregationPlan(replicas, parameters, moments, slices, DeltaCodec.from(config),
                "local".equals(config.get(Options.OPTIMIZER_STATE)));
    }

    SliceLayout deltaLayout() { return new SliceLayout(parameters, slices); }

    SliceLayout momentLayout() { return deltaLayout().sameSlicesFor(moments); }

    /** The round's broadcast: the parameters, with the moments unless they stay on the executors. */
    long broadcastBytes() { return 4 * (parameters + (localMoments ? 0 : moments)); }

    /** What one replica writes to the shuffle in a round that averages the moments (every round, unless local). */
    long replicaBytes(boolean withMoments) {
        return parameters * codec.bytesPerValue() + (withMoments ? 4 * moments : 0);
    }

    /** The summed update (float32) and, in rounds that average them, the summed moments. */
    long driverResultBytes(boolean withMoments) {
        return 4 * (parameters + (withMoments ? moments : 0));
    }

    /** The most a round ships: local moments still travel in the averaging (checkpoint) rounds. */
    long largestDriverResultBytes() { return driverResultBytes(true); }

    long largestShuffleBytes() { return replicas * replicaBytes(true); }

    /** The shuffle of an ordinary round: with local moments, the updates alone. */
    long typicalShuffleBytes() { return replicas * replicaBytes(!localMoments); }

    String describe() {
        return String.format(Locale.ROOT, "aggregation: %d replicas, %d slices through the shuffle, %s updates, %s "
                        + "moments; per round: broadcast %s, shuffle %s (%s per replica), driver receives %s%s",
                replicas, slices, codec.name().toLowerCase(Locale.ROOT), localMoments ? "local" : "averaged",
                Bytes.format(broadcastBytes()), Bytes.format(typicalShuffleBytes()),
                Bytes.format(replicaBytes(!localMoments)), Bytes.format(driverResultBytes(!localMoments)),
                localMoments ? String.format(Locale.ROOT, " (checkpoint rounds average the moments: shuffle %s, "
                        + "driver %s)", Bytes.format(largestShuffleBytes()), Bytes.format(largestDriverResultBytes())) : "");
    }
}
