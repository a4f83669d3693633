package io.sparkrnn.dist;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One calling thread asks for GPU 0, then GPU 1, then GPU 0 again, as a Spark task thread reused across rounds
 * does: the work always runs on a thread that has only ever been bound to its own GPU. The binder records, per
 * thread, every device it was asked for (a CPU stand-in for ND4J's device call: there is no GPU here).
 */
class DeviceThreadsTest {

    @Test
    void workForAGpuRunsOnAThreadOnlyEverBoundToThatGpu() {
        Map<Long, Set<Integer>> boundByThread = new ConcurrentHashMap<>();
        DeviceBinder recording = device -> boundByThread
                .computeIfAbsent(Thread.currentThread().getId(), thread -> ConcurrentHashMap.newKeySet()).add(device);
        long caller = Thread.currentThread().getId();
        for (int device : new int[] {0, 1, 0, 1, 1, 0}) {
            long worker = DeviceThreads.run(null, device, recording, () -> Thread.currentThread().getId());
            assertNotEquals(caller, worker, "GPU work leaves the calling (Spark task) thread");
            assertEquals(Set.of(device), boundByThread.get(worker), "thread " + worker + " was bound to " + boundByThread);
        }
        assertEquals(null, boundByThread.get(caller), "the calling thread is never bound");
    }

    @Test
    void withoutAGpuTheCallerWorksItselfUnboundAndFailuresArriveAsThrown() {
        DeviceBinder refusing = device -> {
            throw new AssertionError("nothing to bind on the CPU");
        };
        long caller = Thread.currentThread().getId();
        assertEquals(caller, DeviceThreads.run(null, TaskDevice.CPU, refusing, () -> Thread.currentThread().getId()));

        IllegalStateException failure = assertThrows(IllegalStateException.class, () ->
                DeviceThreads.run(null, 1, device -> { }, () -> {
                    throw new IllegalStateException("injected failure of the work");
                }));
        assertEquals("injected failure of the work", failure.getMessage());
        RunError refused = assertThrows(RunError.class, () -> DeviceThreads.run(null, 0, device -> {
            throw new RunError(7, "no CUDA backend");
        }, () -> 1));
        assertEquals(7, refused.exitCode());
    }
}
