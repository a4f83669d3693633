package io.sparkrnn.bench;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver process's system-call I/O during each round's replica and aggregation jobs: sampled when the replica
 * job starts and when the aggregation job ends (on Spark's listener thread, so a few milliseconds late), by the
 * round and phase local properties the run sets on its jobs.
 */
final class DriverIoListener extends SparkListener {
    private final Map<Integer, Integer> jobRounds = new ConcurrentHashMap<>();
    private final Map<Integer, String> jobPhases = new ConcurrentHashMap<>();
    private final Map<Integer, ProcessIo> started = new ConcurrentHashMap<>();
    private final Map<Integer, long[]> rounds = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart event) {
        Properties properties = event.properties();
        String phase = properties == null ? null : properties.getProperty("sparkrnn.phase");
        String round = properties == null ? null : properties.getProperty("sparkrnn.round");
        if (phase == null || round == null) {
            return;
        }
        jobRounds.put(event.jobId(), Integer.parseInt(round));
        jobPhases.put(event.jobId(), phase);
        if (phase.equals("replica compute")) {
            started.putIfAbsent(Integer.parseInt(round), ProcessIo.now());
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
        Integer round = jobRounds.remove(event.jobId());
        String phase = jobPhases.remove(event.jobId());
        if (round != null && "aggregation".equals(phase) && started.containsKey(round)) {
            ProcessIo start = started.get(round);
            ProcessIo end = ProcessIo.now();
            if (start.known() && end.known()) {
                rounds.put(round, new long[] {end.read - start.read, end.written - start.written});
            }
        }
    }

    /** {bytes read, bytes written} during the round's two jobs, or null. */
    long[] of(int round) { return rounds.get(round); }
}
