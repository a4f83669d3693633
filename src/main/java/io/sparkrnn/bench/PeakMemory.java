package io.sparkrnn.bench;

import org.bytedeco.javacpp.Pointer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Peak memory of this JVM while a workload runs, sampled every 100 ms: Java heap used (JMX; garbage included, so it
 * follows the collector's policy more than the need), the heap still used right after a collection (the sum of the
 * heap pools' collection usage: the live data, the figure to read for what a workload needs), off-heap (resident size
 * minus committed heap: ND4J's buffers and workspaces, thread stacks, metaspace, code) and the process's resident
 * size ({@code Pointer.physicalBytes()}). In Spark local mode the driver and the executors are this one JVM.
 */
final class PeakMemory implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread sampler;
    private volatile boolean running = true;
    private long heap;
    private long liveHeap;
    private long offHeap;
    private long resident;

    PeakMemory() {
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "peak-memory");
        sampler.setDaemon(true);
        sampler.start();
    }

    private synchronized void sample() {
        heap = Math.max(heap, memory.getHeapMemoryUsage().getUsed());
        long afterCollection = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage collected = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            afterCollection += collected == null ? 0 : collected.getUsed();
        }
        liveHeap = Math.max(liveHeap, afterCollection);
        long rss = Pointer.physicalBytes();
        // ND4J's workspaces are allocated natively, outside JavaCPP's own accounting (Pointer.totalBytes stays near
        // zero): what the process holds beyond its committed heap is the off-heap figure.
        offHeap = Math.max(offHeap, rss - memory.getHeapMemoryUsage().getCommitted());
        resident = Math.max(resident, rss);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
        sample();
    }

    synchronized Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peakHeapMB", heap / 1048576.0);
        m.put("peakLiveHeapMB", liveHeap / 1048576.0);
        m.put("peakOffHeapMB", offHeap / 1048576.0);
        m.put("peakResidentMB", resident / 1048576.0);
        return m;
    }
}
