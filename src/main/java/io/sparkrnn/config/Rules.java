package io.sparkrnn.config;

import java.util.Arrays;
import java.util.List;

/** Value rules shared by the option declarations; each returns the option with the rule and its wording. */
final class Rules {
    private Rules() { }

    static ConfigOption<Integer> atLeast(ConfigOption<Integer> option, int min) {
        return option.allowing("an integer >= " + min, v -> v >= min);
    }

    static ConfigOption<Integer> between(ConfigOption<Integer> option, int min, int max) {
        return option.allowing("an integer from " + min + " to " + max, v -> v >= min && v <= max);
    }

    static ConfigOption<Double> positive(ConfigOption<Double> option) {
        return option.allowing("a number > 0", v -> v > 0 && !v.isNaN());
    }

    static ConfigOption<Double> fraction(ConfigOption<Double> option, boolean zeroAllowed) {
        return zeroAllowed
                ? option.allowing("a number >= 0 and < 1", v -> v >= 0 && v < 1)
                : option.allowing("a number > 0 and < 1", v -> v > 0 && v < 1);
    }

    static ConfigOption<String> oneOf(ConfigOption<String> option, String... choices) {
        List<String> allowed = Arrays.asList(choices);
        return option.allowing("one of " + String.join(", ", choices), allowed::contains);
    }

    static ConfigOption<List<String>> nonEmpty(ConfigOption<List<String>> option) {
        return option.allowing("at least one non-blank entry",
                v -> !v.isEmpty() && v.stream().noneMatch(String::isBlank));
    }

    /** Octal permission digits as chmod takes them ("750"); the owner keeps at least {@code ownerBits}. */
    static ConfigOption<String> octalPermission(ConfigOption<String> option, int ownerBits, String ownerNeeds) {
        return option.allowing("3 or 4 octal digits like chmod's, giving the owner at least " + ownerNeeds,
                v -> v.matches("[0-7]{3,4}") && ((Integer.parseInt(v, 8) >> 6) & ownerBits) == ownerBits);
    }

    static ConfigOption<String> nonBlank(ConfigOption<String> option) {
        return option.allowing("a non-blank string", v -> !v.isBlank());
    }
}
