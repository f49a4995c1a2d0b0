package dev.secureconnect.bench;

import org.jspecify.annotations.Nullable;

/** A run of the harness could not go on: what failed, in words for whoever runs it. */
public final class BenchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
