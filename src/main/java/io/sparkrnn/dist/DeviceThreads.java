package io.sparkrnn.dist;

import org.apache.spark.TaskContext;
import org.apache.spark.TaskContext$;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that only ever work on one GPU. ND4J keeps state per thread and device: the thread's device binding, its
 * workspaces (allocated on the device the thread was bound to when they were made) and its random generator. Spark
 * runs tasks on a pool of threads it reuses for any task, so a thread that trained replica 0 on GPU 0 may next be
 * handed replica 1 on GPU 1, whose arrays would then meet GPU 0's workspaces. Instead, a task hands its work to a
 * thread of its GPU's own pool, bound to that GPU before each piece of work and never used for another, and
 * waits for it (its TaskContext goes along, for accumulators and attempt numbers). Without a GPU the task's
 * thread does the work itself.
 */
final class DeviceThreads {
    private static final Map<Integer, ExecutorService> POOLS = new ConcurrentHashMap<>();

    private DeviceThreads() { }

    /**
     * Runs {@code work} for {@code device} ({@link TaskDevice#CPU}: here, unbound) and returns its result; a failure
     * of the work is thrown as it is.
     */
    static <T> T run(TaskContext task, int device, DeviceBinder binder, Callable<T> work) {
        if (device == TaskDevice.CPU) {
            return call(work);
        }
        Future<T> result = POOLS.computeIfAbsent(device, DeviceThreads::pool).submit(() -> {
            TaskContext$.MODULE$.setTaskContext(task);
            try {
                binder.bind(device); // the same device every time on this thread: ND4J's state stays on it
                return work.call();
            } finally {
                TaskContext$.MODULE$.unset();
            }
        });
        try {
            return result.get();
        } catch (InterruptedException e) { // Spark kills the task: stop its work too
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replica work on GPU " + device + " interrupted", e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** Threads created on demand (one per task running on the device at once), never retired, never shared. */
    private static ExecutorService pool(int device) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, Long.MAX_VALUE, TimeUnit.NANOSECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread thread = new Thread(r, "spark-rnn GPU " + device + " worker " + count.getAndIncrement());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    private static <T> T call(Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw rethrow(e);
        }
    }

    private static RuntimeException rethrow(Throwable failure) {
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        throw new IllegalStateException(failure);
    }
}
