package io.sparkrnn.ml;

import io.sparkrnn.dist.DeviceBinder;
import io.sparkrnn.dist.TaskResources;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.api.java.UDF1;

/**
 * One SQL function on the executors, called once per row: Spark gives a row-at-a-time function no batches, so
 * each call is one forward pass of one line, on a network borrowed from the executor's pool for the call. It runs
 * on a thread of the task's GPU with the task's cores, as a training replica does.
 */
final class ScoringUdf implements UDF1<String, Object> {
    private static final long serialVersionUID = 1L;

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
        ScoringModel scoring = model.value();
        return TaskResources.onTaskDevice(deviceBinder, device -> {
            ScoringNetwork network = ScoringNetworks.borrow(scoring, device);
            try {
                return function.value(scoring, network, text);
            } finally {
                ScoringNetworks.giveBack(network, device);
            }
        });
    }
}
