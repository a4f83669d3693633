package io.sparkrnn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;

import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Loads a HOCON file and {@code key=value} overrides into a {@link RunConfig}. Overrides win over the file,
 * the file over the declared defaults. Anything the options do not declare, or that breaks a rule, is a
 * {@link ConfigError} naming the key, the value and what is allowed, raised before Spark starts.
 */
public final class ConfigLoader {
    private ConfigLoader() { }

    public static RunConfig load(File file, List<String> overrides) {
        String origin = file == null ? "defaults" : file.getPath();
        return resolve(file == null ? ConfigFactory.empty() : parseFile(file), origin, overrides);
    }

    /** Loads a configuration stored as HOCON text (such as a checkpoint's), with overrides on top. */
    public static RunConfig loadText(String hocon, String origin, List<String> overrides) {
        try {
            return resolve(ConfigFactory.parseString(hocon), origin, overrides);
        } catch (ConfigException e) {
            throw new ConfigError(null, "cannot parse config from " + origin + ": " + e.getMessage());
        }
    }

    private static RunConfig resolve(Config base, String origin, List<String> overrides) {
        Config fromOverrides = parseOverrides(overrides);
        Config merged = fromOverrides.withFallback(base).resolve();
        rejectUnknownKeys(merged, fromOverrides, origin);
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigOption<?> option : Options.all().values()) {
            String where = fromOverrides.hasPath(option.key()) ? "--set " + option.key() : origin;
            values.put(option.key(), read(merged, option, where));
        }
        RunConfig config = new RunConfig(values, origin);
        CrossKeyRules.check(config);
        return config;
    }

    private static Config parseFile(File file) {
        if (!file.isFile()) {
            throw new ConfigError(null, "config file " + file + " does not exist or is not a file; "
                    + "pass an existing file with --conf (see conf/local.conf)");
        }
        try {
            return ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new ConfigError(null, "cannot parse config file " + file + ": " + e.getMessage());
        }
    }

    /**
     * Each override's value is converted by its option's own type, from the text exactly as typed (see
     * {@link ValueType#parse}), then placed in a Config as a typed value: nothing of it is read as HOCON.
     */
    private static Config parseOverrides(List<String> overrides) {
        Config result = ConfigFactory.empty();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigError(null, "--set expects key=value, got '" + override + "'");
            }
            String key = override.substring(0, eq).trim();
            ConfigOption<?> option = Options.all().get(key);
            if (option == null) {
                throw unknownKey(key, "--set");
            }
            Object value = parseOverride(option, override.substring(eq + 1));
            // A declared key is a valid path expression.
            result = result.withValue(key, ConfigValueFactory.fromAnyRef(value));
        }
        return result;
    }

    private static Object parseOverride(ConfigOption<?> option, String text) {
        try {
            return option.type().parse(text);
        } catch (IllegalArgumentException e) {
            String hint = e.getMessage() == null || e instanceof NumberFormatException ? "" : "; " + e.getMessage();
            throw new ConfigError(option.key(), option.key() + " must be " + option.type().name() + ", got '" + text
                    + "' (--set " + option.key() + ")" + hint);
        }
    }

    private static void rejectUnknownKeys(Config merged, Config overrides, String origin) {
        for (Map.Entry<String, ConfigValue> entry : merged.entrySet()) {
            String key = entry.getKey();
            if (!Options.all().containsKey(key)) {
                throw unknownKey(key, overrides.hasPath(key) ? "--set" : origin);
            }
        }
    }

    private static ConfigError unknownKey(String key, String where) {
        List<String> near = nearMatches(key);
        return new ConfigError(key, "unknown config key '" + key + "' (in " + where + ")"
                + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?")
                + " Run 'sparkrnn train --help-config' for every key.");
    }

    private static <T> T read(Config merged, ConfigOption<T> option, String where) {
        if (!merged.hasPath(option.key())) {
            return option.defaultValue();
        }
        T value;
        try {
            value = option.type().read(merged, option.key());
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw new ConfigError(option.key(), option.key() + " must be " + option.type().name() + ", got "
                    + merged.getValue(option.key()).render() + " (key " + option.key() + " in " + where + ")");
        }
        if (!option.accepts(value)) {
            throw new ConfigError(option.key(), describeViolation(option, value, where));
        }
        return value;
    }

    static String describeViolation(ConfigOption<?> option, Object value, String where) {
        return option.key() + " must be " + option.allowed() + ", got " + value
                + " (key " + option.key() + " in " + where + ")";
    }

    /** Declared keys within edit distance 3 of {@code key}, or sharing its last segment. */
    static List<String> nearMatches(String key) {
        String lastSegment = key.substring(key.lastIndexOf('.') + 1).toLowerCase();
        List<String> candidates = new ArrayList<>();
        for (String known : Options.all().keySet()) {
            int distance = editDistance(key.toLowerCase(), known.toLowerCase());
            boolean sameLeaf = known.toLowerCase().endsWith("." + lastSegment);
            if (distance <= 3 || sameLeaf) {
                candidates.add(known);
            }
        }
        return candidates.stream()
                .sorted(Comparator.comparingInt(k -> editDistance(key.toLowerCase(), k.toLowerCase())))
                .limit(3)
                .collect(Collectors.toList());
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
