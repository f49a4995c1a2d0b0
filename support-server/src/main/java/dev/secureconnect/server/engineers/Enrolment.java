package dev.secureconnect.server.engineers;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.totp.OtpAuthUri;
import dev.secureconnect.crypto.totp.TotpSecret;

/**
 * A new TOTP enrolment, from {@link EngineerStore#add} or {@link EngineerStore#resetTotp}: the only time the secret
 * leaves the store in clear. Show {@link OtpAuthUri#uri()} (or its QR code) to the engineer once, then drop it.
 * {@code toString()} masks the secret.
 *
 * @param engineer the engineer as now stored
 * @param secret the new TOTP secret
 * @param uri the {@code otpauth://} URI that enrols {@code secret} in an authenticator app
 */
public record Enrolment(Engineer engineer, TotpSecret secret, OtpAuthUri uri) {

    public Enrolment {
        requireNonNull(engineer, "engineer");
        requireNonNull(secret, "secret");
        requireNonNull(uri, "uri");
    }
}
