package io.sparkrnn.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One round's line of metrics.jsonl: flat named values (and one nested map of phase times), so that
 * {@code spark.read.json} gives one column per field. Non-finite numbers are written as null.
 */
public final class MetricsRow {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final Map<String, Object> fields = new LinkedHashMap<>();

    public MetricsRow put(String name, Object value) {
        if (value instanceof Double && !Double.isFinite((Double) value)) {
            fields.put(name, null);
        } else {
            fields.put(name, value);
        }
        return this;
    }

    public Object get(String name) { return fields.get(name); }

    public double number(String name) {
        Object value = fields.get(name);
        return value instanceof Number ? ((Number) value).doubleValue() : Double.NaN;
    }

    public Map<String, Object> fields() { return Collections.unmodifiableMap(fields); }

    public String toJson() {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metrics row is not serialisable: " + fields, e);
        }
    }

    @SuppressWarnings("unchecked")
    public static MetricsRow fromJson(String line) throws JsonProcessingException {
        MetricsRow row = new MetricsRow();
        row.fields.putAll(JSON.readValue(line, LinkedHashMap.class));
        return row;
    }
}
