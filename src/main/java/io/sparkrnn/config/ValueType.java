package io.sparkrnn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.io.Serializable;
import java.util.List;

/** How a HOCON value becomes a typed Java value. */
public interface ValueType<T> extends Serializable {
    String name();

    /** Reads {@code path} from {@code config}; throws Typesafe's {@link ConfigException.WrongType} on a mismatch. */
    T read(Config config, String path);

    ValueType<Integer> INT = new Named<>("an integer", Config::getInt);
    ValueType<Long> LONG = new Named<>("an integer", Config::getLong);
    ValueType<Double> DOUBLE = new Named<>("a number", Config::getDouble);
    ValueType<Boolean> BOOLEAN = new Named<>("true or false", Config::getBoolean);
    ValueType<String> STRING = new Named<>("a string", Config::getString);
    ValueType<List<String>> STRING_LIST = new Named<>("a list of strings, or one string", ValueType::stringOrList);

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

        Named(String name, Reader<T> reader) {
            this.name = name;
            this.reader = reader;
        }

        @Override public String name() { return name; }
        @Override public T read(Config config, String path) { return reader.read(config, path); }
    }

    interface Reader<T> extends Serializable {
        T read(Config config, String path);
    }
}
