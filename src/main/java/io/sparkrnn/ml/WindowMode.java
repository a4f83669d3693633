package io.sparkrnn.ml;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a language model reads a line longer than model.seqLength characters. Either way every character after the
 * first is scored once; the modes differ in what the model remembers when it predicts it.
 */
public enum WindowMode {
    /**
     * The whole line as one sequence: read model.seqLength characters at a time, the recurrent state carried from
     * each window into the next, so every prediction sees the whole line before it (the default).
     */
    CARRY,
    /**
     * As {@code evaluate} scores held-out text: windows of model.seqLength predictions, each read from a zero
     * state. Window k reads characters kT .. kT+T-1 and predicts kT+1 .. kT+T (T = model.seqLength).
     */
    INDEPENDENT;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WindowMode parse(String value) {
        for (WindowMode mode : values()) {
            if (mode.value().equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("windows must be one of " + allowed() + ", got '" + value + "'");
    }

    public static String allowed() {
        return Arrays.stream(values()).map(WindowMode::value).collect(Collectors.joining(", "));
    }
}
