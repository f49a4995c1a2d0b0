package dev.secureconnect.server.tokens;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An issued access token as the server records it: its claims, never the signed token.
 *
 * @param reason why the engineer asked for it, or null
 * @param revokedAt when it was revoked, or null
 * @param revokedBy who revoked it, or null
 * @param revokeReason why, or null
 */
public record StoredToken(
        UUID id,
        String engineer,
        String appliance,
        String ticket,
        Instant issuedAt,
        Instant expiresAt,
        @Nullable String reason,
        @Nullable Instant revokedAt,
        @Nullable String revokedBy,
        @Nullable String revokeReason) {

    public StoredToken {
        requireNonNull(id, "id");
        requireNonNull(engineer, "engineer");
        requireNonNull(appliance, "appliance");
        requireNonNull(ticket, "ticket");
        requireNonNull(issuedAt, "issuedAt");
        requireNonNull(expiresAt, "expiresAt");
    }

    public boolean isRevoked() {
        return revokedAt != null;
    }

    /** {@code active}, {@code revoked} or {@code expired} at {@code now}. */
    public String status(Instant now) {
        return isRevoked() ? "revoked" : now.isBefore(expiresAt) ? "active" : "expired";
    }

    /** A revoked token that has not expired yet, as appliances are told about it. */
    public record Revocation(UUID id, Instant expiresAt) {
        public Revocation {
            requireNonNull(id, "id");
            requireNonNull(expiresAt, "expiresAt");
        }
    }
}
