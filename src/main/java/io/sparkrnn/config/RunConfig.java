package io.sparkrnn.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A validated, immutable configuration: every declared option has a value that obeys its rule.
 * Serializable so the same object reaches the Spark executors.
 */
public final class RunConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, Object> values;
    private final String origin;

    RunConfig(Map<String, Object> values, String origin) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.origin = origin;
    }

    /** The defaults of every option. */
    public static RunConfig defaults() {
        return ConfigLoader.load(null, List.of());
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigOption<T> option) {
        Object value = values.get(option.key());
        if (value == null && !values.containsKey(option.key())) {
            throw new IllegalArgumentException("undeclared option " + option.key());
        }
        return (T) value;
    }

    /** A copy with one value replaced, validated like any other value. */
    public <T> RunConfig with(ConfigOption<T> option, T value) {
        if (!option.accepts(value)) {
            throw new ConfigError(option.key(), ConfigLoader.describeViolation(option, value, origin));
        }
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(option.key(), value);
        RunConfig changed = new RunConfig(copy, origin);
        CrossKeyRules.check(changed);
        return changed;
    }

    /** Where the values came from, for error messages ("conf/local.conf", "--set"). */
    public String origin() { return origin; }

    public Map<String, Object> asMap() { return values; }

    /** HOCON text that loads back to this configuration; stored in every checkpoint. */
    public String render() {
        return values.entrySet().stream()
                .map(e -> e.getKey() + " = " + HoconValues.render(e.getValue()))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunConfig && ((RunConfig) o).values.equals(values);
    }

    @Override
    public int hashCode() { return values.hashCode(); }

    @Override
    public String toString() { return render(); }
}
