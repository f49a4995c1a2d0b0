package dev.secureconnect.server.storage;

import org.jspecify.annotations.Nullable;

/**
 * The database could not be opened, migrated, read or written. The message is one line, safe to print to an
 * operator (it never contains a password); the driver's detail stays in the cause.
 */
public class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(@Nullable String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
