package io.sparkrnn.config;

import java.io.Serializable;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One configuration key, declared once: its type, default, description and the rule its value must obey.
 * The rule's text is what users see when their value breaks it, so it reads as "what is allowed".
 */
public final class ConfigOption<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final ValueType<T> type;
    private final T defaultValue;
    private final String description;
    private final SerializablePredicate<T> rule;
    private final String allowed;

    private ConfigOption(String key, ValueType<T> type, T defaultValue, String description,
                         SerializablePredicate<T> rule, String allowed) {
        this.key = Objects.requireNonNull(key);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = defaultValue;
        this.description = Objects.requireNonNull(description);
        this.rule = rule;
        this.allowed = allowed;
        if (defaultValue != null && !rule.test(defaultValue)) {
            throw new IllegalArgumentException("default of " + key + " (" + defaultValue + ") breaks its own rule: " + allowed);
        }
    }

    public static <T> ConfigOption<T> of(String key, ValueType<T> type, T defaultValue, String description) {
        return new ConfigOption<>(key, type, defaultValue, description, v -> true, type.name());
    }

    /** Returns a copy that only accepts values matching {@code rule}, described to users as {@code allowed}. */
    public ConfigOption<T> allowing(String allowed, SerializablePredicate<T> rule) {
        return new ConfigOption<>(key, type, defaultValue, description, rule, allowed);
    }

    public String key() { return key; }
    public ValueType<T> type() { return type; }
    public T defaultValue() { return defaultValue; }
    public String description() { return description; }
    public String allowed() { return allowed; }

    public boolean accepts(T value) { return rule.test(value); }

    @Override
    public String toString() { return key; }

    /** A predicate that can travel with a config to Spark executors. */
    public interface SerializablePredicate<T> extends Predicate<T>, Serializable { }
}
