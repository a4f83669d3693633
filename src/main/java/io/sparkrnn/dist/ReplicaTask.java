package io.sparkrnn.dist;

import io.sparkrnn.data.Hashing;
import io.sparkrnn.data.MinibatchSchedule;
import io.sparkrnn.data.WindowShard;
import io.sparkrnn.model.ModelSpec;
import io.sparkrnn.train.ReplicaTrainer;
import io.sparkrnn.train.StepStats;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * One replica's part of a round: load the broadcast parameters and its optimizer moments ({@link ReplicaMoments}),
 * take K local steps on this partition's next minibatches, return the parameter delta, the moments when the round
 * averages them, and statistics. Everything it draws is seeded by (seed, partition, step), so a retried task returns
 * exactly what the first attempt would have. Its statistics reach the accumulators through the aggregation
 * ({@link SliceSum}), where Spark counts them once.
 */
final class ReplicaTask implements Function<Iterator<WindowShard>, ReplicaResult> {
    private static final long serialVersionUID = 1L;
    private static final long DROPOUT_STREAM = 0xD0D0L;
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaTask.class);

    private final Broadcast<RoundInput> input;
    private final ReplicaMoments moments;
    private final RunTask task;
    private final ModelSpec spec;
    private final TrainSettings settings;

    ReplicaTask(Broadcast<RoundInput> input, ReplicaMoments moments, RunTask task, ModelSpec spec,
                TrainSettings settings) {
        this.input = input;
        this.moments = moments;
        this.task = task;
        this.spec = spec;
        this.settings = settings;
    }

    @Override
    public ReplicaResult call(Iterator<WindowShard> shards) {
        TaskContext task = TaskContext.get();
        int partition = task.partitionId();
        WindowShard shard = shards.next();
        RoundInput round = input.value();
        // On a thread bound to the device before any network or array of this task exists: they are created there.
        return TaskResources.onTaskDevice(settings.deviceBinder, device -> {
            LOG.info("round {} replica {} on executor {} (pid {}): {}", round.round, partition,
                    SparkEnv.get().executorId(), ProcessHandle.current().pid(), TaskDevice.describe(device));
            ReplicaTrainer trainer = ReplicaPool.borrow(spec, settings.maxGradNorm, settings.seqLength, device);
            try {
                return train(trainer, shard, round, partition);
            } finally {
                ReplicaPool.giveBack(trainer, settings.maxGradNorm, settings.seqLength, device);
            }
        });
    }

    private ReplicaResult train(ReplicaTrainer trainer, WindowShard shard, RoundInput round, int partition) {
        long started = System.nanoTime();
        INDArray initial = Nd4j.createFromArray(round.params);
        ReplicaMoments.Start start = moments.start(partition, round);
        trainer.load(initial, start.moments().length == 0 ? null : Nd4j.createFromArray(start.moments()),
                round.firstStep);
        trainer.setLearningRate(round.learningRate);
        Nd4j.getRandom().setSeed(Hashing.derive(settings.seed ^ DROPOUT_STREAM, round.round, partition));
        MinibatchSchedule schedule = new MinibatchSchedule(settings.seed, partition, shard.size(), settings.batchSize);

        ReplicaResult result = new ReplicaResult();
        boolean injectedNonFinite = FaultInjection.forcesNonFinite(round.round, partition);
        for (int k = 0; k < round.localSteps; k++) {
            long step = round.firstStep + k;
            FaultInjection.beforeStep(round.round, partition, k);
            int[] windows = schedule.windowsOf(step);
            StepStats stats = task.step(trainer, shard, windows);
            if (!stats.finite() || injectedNonFinite) {
                return nonFinite(partition, round, start);
            }
            result.lossSum += stats.lossSum();
            result.tokens += stats.tokens();
            result.examples += windows.length;
            result.steps++;
            result.gradNormSum += stats.gradNorm();
            result.gradNormMax = Math.max(result.gradNormMax, stats.gradNorm());
            result.clippedSteps += stats.clipped() ? 1 : 0;
        }
        INDArray delta = trainer.params().sub(initial);
        if (!Double.isFinite(delta.norm2Number().doubleValue())) {
            return nonFinite(partition, round, start);
        }
        result.deltaSum = delta.toFloatVector();
        float[] trained = RoundInput.floats(trainer.updaterState());
        moments.keep(partition, round.round, trained);
        result.updaterStateSum = moments.shipped() ? trained : null;
        result.momentFallbacks = start.fallback() ? 1 : 0;
        result.replicas = 1;
        result.maxEpoch = schedule.epochAt(round.firstStep + round.localSteps);
        result.computeSeconds = (System.nanoTime() - started) / 1e9;
        return result;
    }

    private ReplicaResult nonFinite(int partition, RoundInput round, ReplicaMoments.Start start) {
        moments.keep(partition, round.round, start.moments());
        ReplicaResult result = ReplicaResult.nonFinite();
        result.momentFallbacks = start.fallback() ? 1 : 0;
        return result;
    }
}
