package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import java.time.Instant;

/**
 * A logged-in engineer: who, with which certificate, until when. The session value itself is not kept here (only
 * its SHA-256 is kept, by {@link LoginSessions}).
 *
 * @param login the engineer's login, from the certificate
 * @param certificate the fingerprint of the certificate the engineer logged in with; the session works only over
 *     connections made with that same certificate
 * @param expiresAt when the session ends
 */
public record LoginSession(String login, CertificateFingerprint certificate, Instant expiresAt) {

    public LoginSession {
        requireNonNull(login, "login");
        requireNonNull(certificate, "certificate");
        requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether a connection made with {@code presented} may use this session. */
    public boolean boundTo(CertificateFingerprint presented) {
        return java.security.MessageDigest.isEqual(certificate.sha256(), presented.sha256());
    }
}
