package dev.secureconnect.appliance;

import org.jspecify.annotations.Nullable;

/**
 * Something the appliance admin asked for that cannot be done, with a one-line message that names the problem and,
 * where it helps, what to do. The message is safe to print and to send over the admin socket; it never holds key
 * material. The cause, when there is one, keeps the detail for the log.
 */
public class ApplianceException extends RuntimeException {

    public ApplianceException(@Nullable String message) {
        super(message);
    }

    public ApplianceException(@Nullable String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
