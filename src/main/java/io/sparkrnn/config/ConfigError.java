package io.sparkrnn.config;

/**
 * A configuration the run cannot start with. The message names the key, the value and what is allowed,
 * so a user can fix it without reading code; the CLI maps it to exit code 2.
 */
public final class ConfigError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConfigError(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() { return key; }
}
