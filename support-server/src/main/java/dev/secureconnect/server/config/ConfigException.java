package dev.secureconnect.server.config;

/** A configuration that cannot be used; the message names the file, the key and what is wrong. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    public ConfigException(String message) {
        super(message);
    }
}
