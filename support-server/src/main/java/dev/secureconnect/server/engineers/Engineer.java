package dev.secureconnect.server.engineers;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An enrolled support engineer, as listings show it: never the TOTP secret.
 *
 * @param login the login, from the certificate's {@code urn:secureconnect:engineer:<login>}
 * @param fullName the person's name (the certificate's subject CN)
 * @param email the person's e-mail address (from the certificate's SAN)
 * @param certificate the SHA-256 fingerprint of the enrolled certificate: the only one this engineer logs in with
 * @param status whether the engineer may log in
 * @param failedAttempts consecutive failed logins since the last successful one
 * @param lockedUntil until when logins are refused after too many failures, or {@code null}; a time in the past
 *     means the lockout is over
 * @param createdAt when the engineer was enrolled
 * @param updatedAt when an operator last changed the enrolment (enrol, disable, enable, reset-totp)
 */
public record Engineer(
        String login,
        String fullName,
        String email,
        CertificateFingerprint certificate,
        Status status,
        int failedAttempts,
        @Nullable Instant lockedUntil,
        Instant createdAt,
        Instant updatedAt) {

    /** Whether an engineer may log in at all. */
    public enum Status {
        ENABLED,
        DISABLED;

        /** The lower-case name stored in the database and shown in listings. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status ofCode(String code) {
            return valueOf(code.toUpperCase(Locale.ROOT));
        }
    }

    public Engineer {
        requireNonNull(login, "login");
        requireNonNull(fullName, "fullName");
        requireNonNull(email, "email");
        requireNonNull(certificate, "certificate");
        requireNonNull(status, "status");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(updatedAt, "updatedAt");
    }

    public boolean isEnabled() {
        return status == Status.ENABLED;
    }

    /** Whether logins are refused at {@code now} because of a lockout. */
    public boolean isLockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }
}
