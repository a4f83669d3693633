package io.sparkrnn.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A stage's {@code <path>/metadata} in the layout of Spark ML's own writers (class, uid, timestamp, sparkVersion,
 * paramMap, defaultParamMap as one JSON line), so that {@code Pipeline.load} and {@code PipelineModel.load} find
 * the class and call its static {@code read()}. Param values are JSON-encoded by the params themselves.
 */
final class StageMetadata {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String className;
    private final String uid;
    private final JsonNode params;

    private StageMetadata(String className, String uid, JsonNode params) {
        this.className = className;
        this.uid = uid;
        this.params = params;
    }

    static void save(Params stage, String path, SparkContext sc) {
        ObjectNode root = JSON.createObjectNode();
        root.put("class", stage.getClass().getName());
        root.put("timestamp", System.currentTimeMillis());
        root.put("sparkVersion", sc.version());
        root.put("uid", stage.uid());
        ObjectNode set = root.putObject("paramMap");
        ObjectNode defaults = root.putObject("defaultParamMap");
        for (Param<?> param : stage.params()) {
            if (stage.isSet(param)) {
                set.set(param.name(), encode(stage, param, false));
            }
            if (stage.hasDefault(param)) {
                defaults.set(param.name(), encode(stage, param, true));
            }
        }
        JavaSparkContext.fromSparkContext(sc).parallelize(List.of(root.toString()), 1)
                .saveAsTextFile(new Path(path, "metadata").toString());
    }

    /** Reads {@code <path>/metadata}; the stage there must be of class {@code expected}. */
    static StageMetadata read(String path, SparkContext sc, Class<?> expected) {
        String line = JavaSparkContext.fromSparkContext(sc).textFile(new Path(path, "metadata").toString(), 1).first();
        try {
            JsonNode root = JSON.readTree(line);
            StageMetadata metadata = new StageMetadata(root.path("class").asText(), root.path("uid").asText(),
                    root.path("paramMap"));
            if (!expected.getName().equals(metadata.className)) {
                throw new IllegalArgumentException(path + " holds a " + metadata.className + ", not a "
                        + expected.getName() + "; load it with that class");
            }
            return metadata;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metadata of " + path + ": " + e.getMessage(), e);
        }
    }

    String uid() { return uid; }

    /** Sets the params saved as explicitly set; the others keep the defaults of this version. */
    void applyTo(Params stage) {
        Iterator<Map.Entry<String, JsonNode>> fields = params.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            decodeInto(stage, stage.getParam(field.getKey()), field.getValue().toString());
        }
    }

    private static <T> JsonNode encode(Params stage, Param<T> param, boolean defaultValue) {
        T value = defaultValue ? stage.getDefault(param).get() : stage.get(param).get();
        try {
            return JSON.readTree(param.jsonEncode(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> void decodeInto(Params stage, Param<T> param, String json) {
        stage.set(param, param.jsonDecode(json));
    }
}
