package io.sparkrnn.config;

import com.typesafe.config.ConfigUtil;

import java.util.List;
import java.util.stream.Collectors;

/** Renders typed values back to HOCON. */
final class HoconValues {
    private HoconValues() { }

    static String render(Object value) {
        if (value instanceof String) {
            return ConfigUtil.quoteString((String) value);
        }
        if (value instanceof List) {
            return ((List<?>) value).stream().map(HoconValues::render).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }
}
