package io.regcache.config;

/** The configuration cannot be used; the message names the file and, where known, the line. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
