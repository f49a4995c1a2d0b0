package dev.secureconnect.server.audit;

import dev.secureconnect.server.storage.StorageException;
import org.jspecify.annotations.Nullable;

/**
 * An audit record could not be committed (the database is locked, full or down): what it records must not happen. The
 * message is the database's one-line reason; callers answer {@value #REASON} (HTTP 503) to the engineer.
 */
public final class AuditUnavailableException extends StorageException {

    private static final long serialVersionUID = 1L;

    /** What an engineer is told when an action is refused because its record cannot be committed. */
    public static final String REASON = "audit log unavailable";

    public AuditUnavailableException(@Nullable String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
