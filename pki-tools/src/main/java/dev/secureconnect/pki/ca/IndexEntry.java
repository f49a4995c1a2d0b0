package dev.secureconnect.pki.ca;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One certificate the CA issued, as recorded in {@code index.json}.
 *
 * @param serial the serial number in upper-case hex
 * @param identity the role's id: appliance serial, engineer login, first server name, CA name
 * @param revokedAt when revoked (ISO-8601), else null
 * @param reason the revocation reason's label, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexEntry(
        String serial,
        String role,
        String identity,
        String subject,
        String notBefore,
        String notAfter,
        String fingerprint,
        String issuedAt,
        @Nullable String revokedAt,
        @Nullable String reason) {

    public static final String VALID = "valid";
    public static final String REVOKED = "revoked";
    public static final String EXPIRED = "expired";

    public IndexEntry {
        requireNonNull(serial, "serial");
        requireNonNull(role, "role");
        requireNonNull(identity, "identity");
        requireNonNull(notAfter, "notAfter");
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    /** {@code revoked}, {@code expired} or {@code valid} at {@code now}; revocation wins over expiry. */
    public String statusAt(Instant now) {
        if (revoked()) {
            return REVOKED;
        }
        return now.isAfter(Instant.parse(notAfter)) ? EXPIRED : VALID;
    }

    IndexEntry revoke(Instant at, String reasonLabel) {
        return new IndexEntry(
                serial,
                role,
                identity,
                subject,
                notBefore,
                notAfter,
                fingerprint,
                issuedAt,
                at.toString(),
                reasonLabel);
    }
}
