package io.sparkrnn.ml;

import io.sparkrnn.dist.DeviceBinder;
import io.sparkrnn.dist.TaskResources;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.api.java.UDF1;

/**
 * One SQL function on the executors, called once per row: Spark gives a row-at-a-time function no batches, so
 * each call is one forward pass of one line, on a network borrowed from the executor's pool for the call. The
 * task's thread is bound to its GPU and threads once per task, as a training replica's is.
 */
final class ScoringUdf implements UDF1<String, Object> {
    private static final long serialVersionUID = 1L;
    /** The task attempt this thread was last bound for, and the device it got. */
    private static final ThreadLocal<long[]> BOUND = ThreadLocal.withInitial(() -> new long[] {-1, TaskResources.CPU});

    private final Broadcast<ScoringModel> model;
    private final SqlFunction function;
    private final DeviceBinder deviceBinder;

    ScoringUdf(Broadcast<ScoringModel> model, SqlFunction function, DeviceBinder deviceBinder) {
        this.model = model;
        this.function = function;
        this.deviceBinder = deviceBinder;
    }

    @Override
    public Object call(String text) {
        if (text == null) {
            return null;
        }
        int device = deviceOfThisTask();
        ScoringModel scoring = model.value();
        ScoringNetwork network = ScoringNetworks.borrow(scoring, device);
        try {
            return function.value(scoring, network, text);
        } finally {
            ScoringNetworks.giveBack(network, device);
        }
    }

    private int deviceOfThisTask() {
        TaskContext task = TaskContext.get();
        long attempt = task == null ? -1 : task.taskAttemptId();
        long[] bound = BOUND.get();
        if (task == null || bound[0] != attempt) {
            bound[1] = TaskResources.bindCurrentTask(deviceBinder);
            bound[0] = attempt;
        }
        return (int) bound[1];
    }
}
