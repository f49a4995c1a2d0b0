package dev.secureconnect.crypto.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.TokenRefusedException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Checks an access token, on the support server at every stream open and again on the appliance. A token is accepted
 * only if every check passes, in this order (the first failure is the reason):
 *
 * <ol>
 *   <li>a compact JWS of at most 8 KiB, no critical headers ({@link Reason#MALFORMED});</li>
 *   <li>algorithm ES256 — {@code none}, HMAC, RSA and anything else are refused before any key is touched, so a
 *       public key can never be used as an HMAC secret ({@link Reason#BAD_SIGNATURE});</li>
 *   <li>a {@code kid} naming one of the trusted keys ({@link Reason#UNKNOWN_KEY});</li>
 *   <li>the signature, with that key ({@link Reason#BAD_SIGNATURE});</li>
 *   <li>{@code typ: sc-access+jwt} ({@link Reason#WRONG_TYPE});</li>
 *   <li>the claims ({@link Reason#MALFORMED}) and a lifetime of at most 7 days ({@link Reason#TOO_LONG_LIVED});</li>
 *   <li>audience = the expected appliance serial, exactly one ({@link Reason#WRONG_AUDIENCE});</li>
 *   <li>issued-at / not-before and expiry, each with the clock skew allowance ({@link Reason#NOT_YET_VALID},
 *       {@link Reason#EXPIRED});</li>
 *   <li>holder-of-key: the presented engineer certificate's thumbprint = {@code cnf.x5t#S256}
 *       ({@link Reason#WRONG_HOLDER});</li>
 *   <li>not revoked ({@link Reason#REVOKED});</li>
 *   <li>the ticket is acceptable to the caller ({@link Reason#TICKET_NOT_ACCEPTED}).</li>
 * </ol>
 *
 * <p>Nothing is accepted by default: a verifier needs at least one trusted key and a revocation check, and each call
 * names the appliance, the presented certificate and the ticket check. Keys are selected by {@code kid}, so during a
 * key rotation a verifier trusts the old and the new key together. Instances are immutable and thread-safe (as long
 * as the predicates given are).
 */
public final class AccessTokenVerifier {

    /** The clock skew allowed when none is configured. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    /** The largest clock skew that may be configured. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final String REFUSED = "access token refused: ";

    private final Map<String, ECKey> keys;
    private final Map<String, ECDSAVerifier> verifiers;
    private final Predicate<UUID> revoked;
    private final Clock clock;
    private final Duration clockSkew;

    private AccessTokenVerifier(Builder builder) {
        this.keys = Map.copyOf(builder.keys);
        Map<String, ECDSAVerifier> byKeyId = new LinkedHashMap<>();
        builder.keys.forEach((kid, key) -> {
            try {
                byKeyId.put(kid, new ECDSAVerifier(key));
            } catch (JOSEException e) {
                throw new CryptoException("cannot use token verification key " + kid + ": " + e.getMessage(), e);
            }
        });
        this.verifiers = Map.copyOf(byKeyId);
        this.revoked = requireNonNull(builder.revoked, "revoked");
        this.clock = builder.clock;
        this.clockSkew = builder.clockSkew;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies a token presented for a stream to appliance {@code appliance} over a connection authenticated with
     * {@code presentedCertificate}.
     *
     * @param token the compact JWS as received
     * @param appliance the serial the token must be for: on the appliance its own serial, on the server the serial
     *     the stream goes to
     * @param presentedCertificate the engineer certificate of the mutual-TLS connection that carried the token
     * @param ticketAccepted whether the token's ticket may be used now, e.g. on the appliance "connected by its admin
     *     and not disconnected", on the server "open and active on that appliance's link"
     * @return the token's verified claims
     * @throws TokenRefusedException with the first check that failed; its message is one line and safe to show
     */
    public AccessToken verify(
            String token, String appliance, X509Certificate presentedCertificate, Predicate<String> ticketAccepted) {
        requireNonNull(appliance, "appliance");
        requireNonNull(ticketAccepted, "ticketAccepted");
        SignedJWT jwt = verifiedSignature(token);

        JOSEObjectType type = jwt.getHeader().getType();
        if (!isAccessTokenType(type)) {
            throw refused(
                    Reason.WRONG_TYPE,
                    "its type (typ) is "
                            + (type == null ? "missing" : "'" + OneLine.quoted(type.getType()) + "'")
                            + ", expected " + AccessTokenIssuer.TYPE,
                    null);
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new TokenRefusedException(Reason.MALFORMED, REFUSED + "its claims are not a JSON object", e);
        }
        AccessToken verified = AccessToken.fromClaims(claims);

        if (!verified.appliance().equals(appliance)) {
            throw refused(
                    Reason.WRONG_AUDIENCE,
                    "it is for appliance " + verified.appliance() + ", not " + OneLine.quoted(appliance),
                    verified);
        }
        Instant now = clock.instant();
        Instant validFrom = verified.issuedAt();
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.toInstant().isAfter(validFrom)) {
            validFrom = notBefore.toInstant();
        }
        if (now.plus(clockSkew).isBefore(validFrom)) {
            throw refused(
                    Reason.NOT_YET_VALID,
                    "it is not valid before " + validFrom + " (now " + now + "; check the clocks)",
                    verified);
        }
        if (!now.isBefore(verified.expiresAt().plus(clockSkew))) {
            throw refused(Reason.EXPIRED, "it expired at " + verified.expiresAt() + "; ask for a new one", verified);
        }
        if (!verified.isHeldBy(presentedCertificate)) {
            throw refused(
                    Reason.WRONG_HOLDER,
                    presentedCertificate == null
                            ? "no engineer certificate was presented with it"
                            : "it was issued to engineer " + verified.engineer()
                                    + "'s certificate, not to the certificate presented",
                    verified);
        }
        if (revoked.test(verified.id())) {
            throw refused(Reason.REVOKED, "token " + verified.id() + " has been revoked", verified);
        }
        if (!ticketAccepted.test(verified.ticket())) {
            throw refused(
                    Reason.TICKET_NOT_ACCEPTED,
                    "ticket " + verified.ticket() + " is not open and accepted for appliance " + verified.appliance(),
                    verified);
        }
        return verified;
    }

    /** Steps 1 to 4: the token parsed, its algorithm allowed, its key known and its signature good. */
    private SignedJWT verifiedSignature(String token) {
        if (token == null || token.isEmpty()) {
            throw refused(Reason.MALFORMED, "no token was presented", null);
        }
        if (token.length() > SignedAccessToken.MAX_LENGTH) {
            throw refused(
                    Reason.MALFORMED,
                    "it is " + token.length() + " characters long (at most " + SignedAccessToken.MAX_LENGTH + ")",
                    null);
        }
        Base64URL[] parts;
        try {
            parts = JOSEObject.split(token);
        } catch (ParseException e) {
            throw new TokenRefusedException(
                    Reason.MALFORMED, REFUSED + "it is not a compact JWS" + " (header.payload.signature)", e);
        }
        if (parts.length != 3) {
            throw refused(Reason.MALFORMED, "it has " + parts.length + " parts, a signed token has 3", null);
        }
        Header header;
        try {
            header = Header.parse(parts[0]);
        } catch (ParseException e) {
            throw new TokenRefusedException(Reason.MALFORMED, REFUSED + "its header is not valid", e);
        }
        Algorithm algorithm = header.getAlgorithm();
        if (Algorithm.NONE.equals(algorithm)) {
            throw refused(Reason.BAD_SIGNATURE, "it is unsigned (alg none); only ES256 is accepted", null);
        }
        if (!(header instanceof JWSHeader jwsHeader) || !TokenSigningKey.ALGORITHM.equals(algorithm)) {
            throw refused(
                    Reason.BAD_SIGNATURE,
                    "algorithm "
                            + OneLine.quoted(algorithm == null ? "(none)" : algorithm.getName())
                            + " is not accepted; only ES256 is",
                    null);
        }
        if (jwsHeader.getCriticalParams() != null
                        && !jwsHeader.getCriticalParams().isEmpty()
                || !jwsHeader.isBase64URLEncodePayload()) {
            throw refused(Reason.MALFORMED, "its header has critical or unencoded-payload parameters", null);
        }
        String kid = jwsHeader.getKeyID();
        if (kid == null) {
            throw refused(Reason.UNKNOWN_KEY, "it names no signing key (kid)", null);
        }
        ECDSAVerifier verifier = verifiers.get(kid);
        if (verifier == null) {
            throw refused(Reason.UNKNOWN_KEY, "it is signed by an unknown key (kid " + OneLine.quoted(kid) + ")", null);
        }
        java.util.Date retired =
                requireNonNull(keys.get(kid), "a verifier per key").getExpirationTime();
        if (retired != null && !clock.instant().isBefore(retired.toInstant().plus(clockSkew))) {
            throw refused(
                    Reason.UNKNOWN_KEY,
                    "it is signed by key " + kid + ", retired at " + retired.toInstant() + " (after a rotation)",
                    null);
        }
        SignedJWT jwt;
        try {
            jwt = new SignedJWT(parts[0], parts[1], parts[2]);
        } catch (ParseException e) {
            throw new TokenRefusedException(Reason.MALFORMED, REFUSED + "it is not a signed JWT", e);
        }
        boolean good;
        try {
            good = jwt.verify(verifier);
        } catch (JOSEException | IllegalStateException e) {
            throw new TokenRefusedException(Reason.BAD_SIGNATURE, REFUSED + "its signature cannot be checked", e);
        }
        if (!good) {
            throw refused(
                    Reason.BAD_SIGNATURE,
                    "its signature does not verify with key " + kid + " (altered or forged)",
                    null);
        }
        return jwt;
    }

    private static boolean isAccessTokenType(JOSEObjectType type) {
        if (type == null) {
            return false;
        }
        String name = type.getType();
        // RFC 7515 §4.1.9: "application/" may be omitted, and media types compare case-insensitively
        return name.equalsIgnoreCase(AccessTokenIssuer.TYPE)
                || name.equalsIgnoreCase("application/" + AccessTokenIssuer.TYPE);
    }

    private static TokenRefusedException refused(Reason reason, String detail, @Nullable AccessToken token) {
        return new TokenRefusedException(reason, REFUSED + detail, token, null);
    }

    /** The key ids this verifier trusts. */
    public Set<String> keyIds() {
        return keys.keySet();
    }

    /** The trusted public keys as a JWK Set, e.g. for the server to hand its current key set to an appliance. */
    public String trustedJwkSet() {
        List<JWK> publicKeys = new ArrayList<>(keys.values());
        return new JWKSet(publicKeys).toString(true);
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    @Override
    public String toString() {
        return "access token verifier trusting kid " + keys.keySet() + ", clock skew " + clockSkew;
    }

    /** Settings of an {@link AccessTokenVerifier}; {@link #build()} insists on keys and a revocation check. */
    public static final class Builder {

        private final Map<String, ECKey> keys = new LinkedHashMap<>();
        private @Nullable Predicate<UUID> revoked;
        private Clock clock = Clock.systemUTC();
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;

        private Builder() {}

        /** Trusts the public half of {@code key}. */
        public Builder trust(TokenSigningKey key) {
            return trust(key.publicJwkObject(), "token-signing key");
        }

        /** Trusts an EC P-256 public key (ES256). */
        public Builder trust(ECPublicKey key) {
            requireNonNull(key, "key");
            if (!Curve.P_256.equals(Curve.forECParameterSpec(key.getParams()))) {
                throw new IllegalArgumentException("key: not on curve P-256 (expected: an ES256 verification key)");
            }
            return trust(new ECKey.Builder(Curve.P_256, key).build(), "public key");
        }

        /**
         * Trusts every key of a JWK Set as {@link TokenSigningKey#publicJwkSet} writes it. Each must be an EC P-256
         * public key; a private key is refused (an appliance must never hold the signing key), as is a {@code kid}
         * that is not the key's RFC 7638 thumbprint.
         */
        public Builder trustJwkSet(String json) {
            return trustJwkSet(json, "JWK Set");
        }

        /** Trusts every key of the JWK Set in {@code file}: see {@link #trustJwkSet(String)}. */
        public Builder trustJwkSetFile(Path file) {
            String json;
            try {
                json = new String(OwnerOnlyFiles.read(file), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CryptoException("token verification key file " + file + " does not exist", e);
            } catch (IOException e) {
                throw new CryptoException(
                        "token verification key file " + file + " cannot be read: " + e.getMessage(), e);
            }
            return trustJwkSet(json, file.toString());
        }

        private Builder trustJwkSet(String json, String origin) {
            JWKSet set;
            try {
                set = JWKSet.parse(requireNonNull(json, "json"));
            } catch (ParseException e) {
                throw new CryptoException(origin + " is not a JWK Set (expected {\"keys\":[…]})", e);
            }
            if (set.isEmpty()) {
                throw new CryptoException(origin + " holds no key");
            }
            for (JWK jwk : set.getKeys()) {
                trust(jwk, origin);
            }
            return this;
        }

        private Builder trust(JWK jwk, String origin) {
            if (!(jwk instanceof ECKey key) || !Curve.P_256.equals(key.getCurve())) {
                throw new CryptoException(origin + " holds a " + jwk.getKeyType() + " key: only EC P-256 keys"
                        + " (ES256) verify access tokens");
            }
            if (key.isPrivate()) {
                throw new CryptoException(origin + " holds a private key: give verifiers the public key set only");
            }
            if (key.getAlgorithm() != null && !TokenSigningKey.ALGORITHM.equals(key.getAlgorithm())
                    || key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
                throw new CryptoException(origin + " holds a key that is not for ES256 signatures");
            }
            String thumbprint = TokenSigningKey.thumbprint(key);
            if (key.getKeyID() != null && !key.getKeyID().equals(thumbprint)) {
                throw new CryptoException(origin + ": kid " + OneLine.quoted(key.getKeyID())
                        + " is not the key's RFC 7638 thumbprint " + thumbprint);
            }
            keys.put(
                    thumbprint,
                    new ECKey.Builder(key)
                            .keyID(thumbprint)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(TokenSigningKey.ALGORITHM)
                            .build());
            return this;
        }

        /** Whether a token id ({@code jti}) has been revoked; required. */
        public Builder revoked(Predicate<UUID> revoked) {
            this.revoked = requireNonNull(revoked, "revoked");
            return this;
        }

        /** The clock that decides expiry; {@link Clock#systemUTC()} by default. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** How far apart issuer and verifier clocks may be; {@link #DEFAULT_CLOCK_SKEW} (30 s) by default. */
        public Builder clockSkew(Duration clockSkew) {
            requireNonNull(clockSkew, "clockSkew");
            if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException(
                        "clockSkew: " + clockSkew + " (expected: between PT0S and " + MAX_CLOCK_SKEW + ")");
            }
            this.clockSkew = clockSkew;
            return this;
        }

        public AccessTokenVerifier build() {
            if (keys.isEmpty()) {
                throw new IllegalStateException("no trusted key (expected: trust(…) at least once)");
            }
            if (revoked == null) {
                throw new IllegalStateException("no revocation check (expected: revoked(…))");
            }
            return new AccessTokenVerifier(this);
        }
    }
}
