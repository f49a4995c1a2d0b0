package dev.secureconnect.engineer;

import org.jspecify.annotations.Nullable;

/**
 * Something the engineer asked for that cannot be done, with a one-line message that says what was wrong and, where
 * it helps, what to do. The message is safe to print: it never holds a session value, a token or a passphrase. The
 * cause, when there is one, keeps the detail.
 */
public class EngineerException extends RuntimeException {

    public EngineerException(String message) {
        super(message);
    }

    public EngineerException(@Nullable String message, Throwable cause) {
        super(message, cause);
    }
}
