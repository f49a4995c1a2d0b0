package dev.secureconnect.crypto.pki;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.time.Instant;

/** One entry of a certificate revocation list. */
public record RevokedCertificate(BigInteger serialNumber, Instant revokedAt, RevocationReason reason) {
    public RevokedCertificate {
        requireNonNull(serialNumber, "serialNumber");
        requireNonNull(revokedAt, "revokedAt");
        requireNonNull(reason, "reason");
    }
}
