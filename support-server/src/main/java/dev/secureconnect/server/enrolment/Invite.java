package dev.secureconnect.server.enrolment;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One enrolment code as the server records it: never the code itself, only its id (and, in the table, the hash of
 * its secret).
 *
 * @param codeId the first 8 hex digits of the hash of the code's secret
 * @param replace whether the code may replace a valid certificate the serial holds
 * @param usedAt when an appliance enrolled with it, else null
 * @param revokedAt when the operator revoked it, else null
 */
public record Invite(
        String codeId,
        String serial,
        String createdBy,
        Instant createdAt,
        Instant expiresAt,
        boolean replace,
        @Nullable Instant usedAt,
        @Nullable Instant revokedAt) {

    public Invite {
        requireNonNull(codeId, "codeId");
        requireNonNull(serial, "serial");
        requireNonNull(createdBy, "createdBy");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(expiresAt, "expiresAt");
    }

    /** {@code used}, {@code revoked}, {@code expired} or {@code open} at {@code now}. */
    public String stateAt(Instant now) {
        if (usedAt != null) {
            return "used";
        }
        if (revokedAt != null) {
            return "revoked";
        }
        return now.isBefore(expiresAt) ? "open" : "expired";
    }
}
