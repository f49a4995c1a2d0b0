package dev.secureconnect.crypto.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Issues access tokens on the support server: signs an {@link AccessToken}'s claims as a compact JWS.
 *
 * <p>Header: {@code {"alg":"ES256","typ":"sc-access+jwt","kid":"<RFC 7638 thumbprint of the signing key>"}}. The
 * explicit type (RFC 8725 §3.11) keeps any other JWT this deployment may sign from being accepted as an access token.
 *
 * <p><b>Why ES256 (ECDSA P-256 / SHA-256) and not PS256.</b> The token travels in a header of every stream request
 * and is checked on every stream open by both the server and the appliance: an ES256 token is about 600 characters
 * against about 800 with a 2048-bit RSA signature, and a P-256 key pair is generated in milliseconds, which makes
 * rotation cheap. Security is comparable (P-256 ≈ 128-bit, RSA-2048 ≈ 112-bit). ECDSA's known pitfalls are covered:
 * the JDK signs with a fresh random nonce from a strong source, and nimbus-jose-jwt refuses the all-zero
 * "psychic signature" (CVE-2022-21449), which the JDK itself has fixed since 17.0.3. A different key type from the
 * RSA PKI also means the CA key can never be used here by mistake ({@link TokenSigningKey} accepts P-256 only).
 * Verifiers accept ES256 and nothing else, so there is no algorithm to negotiate or confuse.
 */
public final class AccessTokenIssuer {

    /** The {@code typ} header of every access token. */
    public static final String TYPE = "sc-access+jwt";

    private final TokenSigningKey key;
    private final String issuer;
    private final Clock clock;

    /**
     * @param key the token-signing key (never the CA key)
     * @param issuer the server's name, the {@code iss} of every token, e.g. its DNS name
     * @param clock decides {@code iat}
     */
    public AccessTokenIssuer(TokenSigningKey key, String issuer, Clock clock) {
        this.key = requireNonNull(key, "key");
        this.issuer = requireNonNull(issuer, "issuer");
        this.clock = requireNonNull(clock, "clock");
        if (issuer.isBlank() || issuer.length() > 253 || issuer.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(
                    "issuer: '" + OneLine.quoted(issuer) + "' (expected: 1 to 253 printable characters)");
        }
    }

    /** A token for {@link AccessToken#DEFAULT_LIFETIME} (1 h), with no reason. */
    public SignedAccessToken issue(X509Certificate engineerCertificate, String appliance, String ticket) {
        return issue(engineerCertificate, appliance, ticket, AccessToken.DEFAULT_LIFETIME, null);
    }

    /**
     * Signs a new token for the engineer of {@code engineerCertificate}, bound to that certificate. The caller has
     * already decided that the engineer may have it (engineer enabled, ticket open and active on that appliance).
     *
     * @param appliance the appliance serial, the token's only audience
     * @param ticket 8 digits
     * @param lifetime from now; at most {@link AccessToken#MAX_LIFETIME}
     * @param reason free text from the engineer, or null
     * @throws TokenRefusedException ({@link TokenRefusedException.Reason#TOO_LONG_LIVED}) for a lifetime over 7 days
     * @throws IllegalArgumentException for an invalid serial, ticket, reason or non-positive lifetime
     * @throws CryptoException if the certificate is not an engineer's, or signing fails
     */
    public SignedAccessToken issue(
            X509Certificate engineerCertificate,
            String appliance,
            String ticket,
            Duration lifetime,
            @Nullable String reason) {
        return issue(engineerCertificate, appliance, ticket, lifetime, reason, null);
    }

    /**
     * Signs a new token as {@link #issue(X509Certificate, String, String, Duration, String)}, limited to a support
     * case's {@code scope} (its {@code scope} claim); null for none. The caller has checked that the case is approved
     * and that {@code lifetime} ends no later than the approval.
     */
    public SignedAccessToken issue(
            X509Certificate engineerCertificate,
            String appliance,
            String ticket,
            Duration lifetime,
            @Nullable String reason,
            @Nullable TokenScope scope) {
        AccessToken claims = AccessToken.of(
                engineerCertificate, appliance, ticket, issuer, clock.instant(), lifetime, reason, scope);
        JWSHeader header = new JWSHeader.Builder(TokenSigningKey.ALGORITHM)
                .type(new JOSEObjectType(TYPE))
                .keyID(key.keyId())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.toClaims());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new CryptoException("cannot sign the access token: " + e.getMessage(), e);
        }
        return new SignedAccessToken(claims, jwt.serialize());
    }

    /** The {@code iss} of the tokens issued here. */
    public String issuer() {
        return issuer;
    }

    /** The {@code kid} of the tokens issued here. */
    public String keyId() {
        return key.keyId();
    }

    /** The public verification key as a JWK Set, for appliances and for {@link AccessTokenVerifier}. */
    public String publicJwkSet() {
        return key.publicJwkSet();
    }

    @Override
    public String toString() {
        return "access token issuer " + issuer + " (" + key + ")";
    }
}
