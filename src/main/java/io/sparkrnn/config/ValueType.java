package io.sparkrnn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a configuration value becomes a typed Java value: from a HOCON file ({@link #read}), or from the text of a
 * {@code --set key=value} override ({@link #parse}), which is taken exactly as typed and never read as HOCON (where
 * {@code //} and {@code #} start comments, so a path like {@code /data//runs} would silently lose its end).
 */
public interface ValueType<T> extends Serializable {
    String name();

    /** Reads {@code path} from {@code config}; throws Typesafe's {@link ConfigException.WrongType} on a mismatch. */
    T read(Config config, String path);

    /**
     * Converts an override's text, exactly as typed; throws {@link IllegalArgumentException} when this type cannot
     * take it (with a message only where it tells the user how to write the value).
     */
    T parse(String text);

    ValueType<Integer> INT = new Named<>("an integer", Config::getInt, text -> Integer.parseInt(text.trim()));
    ValueType<Long> LONG = new Named<>("an integer", Config::getLong, text -> Long.parseLong(text.trim()));
    ValueType<Double> DOUBLE = new Named<>("a number", Config::getDouble, ValueType::decimal);
    ValueType<Boolean> BOOLEAN = new Named<>("true or false", Config::getBoolean, ValueType::bool);
    ValueType<String> STRING = new Named<>("a string", Config::getString, text -> text);
    ValueType<List<String>> STRING_LIST = new Named<>("a list of strings, or one string", ValueType::stringOrList,
            ValueType::oneOrJsonList);

    /** Plain decimal notation only: Java's parser would also take "NaN", "0x1p3" or "2d". */
    private static double decimal(String text) {
        String trimmed = text.trim();
        if (!Pattern.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?", trimmed)) {
            throw new IllegalArgumentException();
        }
        return Double.parseDouble(trimmed);
    }

    /** The words HOCON files accept for booleans, so that a value means the same in a file and in --set. */
    private static boolean bool(String text) {
        switch (text.trim()) {
            case "true": case "yes": case "on":
                return true;
            case "false": case "no": case "off":
                return false;
            default:
                throw new IllegalArgumentException();
        }
    }

    /**
     * One URI exactly as typed, or, for several, a JSON array of quoted strings: {@code ["hdfs:///a", "hdfs:///b"]}.
     * Not a comma-separated list: Hadoop globs such as {@code /data/{2024,2025}/*.txt} contain commas.
     */
    private static List<String> oneOrJsonList(String text) {
        if (!text.trim().startsWith("[")) {
            return List.of(text);
        }
        try {
            Config parsed = ConfigFactory.parseString("{\"list\": " + text + "}",
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
            return List.copyOf(parsed.getStringList("list"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("a list is a JSON array of quoted strings, e.g. "
                    + "[\"hdfs:///data/a/*.txt\", \"hdfs:///data/b.txt\"]", e);
        }
    }

    private static List<String> stringOrList(Config config, String path) {
        try {
            return List.copyOf(config.getStringList(path));
        } catch (ConfigException.WrongType notAList) {
            return List.of(config.getString(path));
        }
    }

    /** A value type with a name for messages. */
    final class Named<T> implements ValueType<T> {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final Reader<T> reader;
        private final Parser<T> parser;

        Named(String name, Reader<T> reader, Parser<T> parser) {
            this.name = name;
            this.reader = reader;
            this.parser = parser;
        }

        @Override public String name() { return name; }
        @Override public T read(Config config, String path) { return reader.read(config, path); }
        @Override public T parse(String text) { return parser.parse(text); }
    }

    interface Reader<T> extends Serializable {
        T read(Config config, String path);
    }

    interface Parser<T> extends Serializable {
        T parse(String text);
    }
}
