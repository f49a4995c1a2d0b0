package dev.secureconnect.crypto.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.TokenRefusedException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The claims of a SecureConnect access token: one engineer, one appliance, one ticket, for a limited time, usable only
 * with the engineer certificate it was issued to.
 *
 * <p>As JWT claims (RFC 7519, with the confirmation claim of RFC 8705):
 * <pre>{@code
 * { "iss": "support.example.com", "sub": "alice", "aud": "SN-1234", "ticket": "12345678",
 *   "cnf": { "x5t#S256": "<base64url SHA-256 of the engineer certificate's DER>" },
 *   "iat": 1767225600, "exp": 1767229200, "jti": "<random UUID>", "reason": "disk full",
 *   "scope": { "case": "C12345678", "services": [], "commands": ["raid-status"], "folders": ["/var/log"] } }
 * }</pre>
 *
 * <p>{@code scope} is there only on a token issued for a support case ({@link TokenScope}); its case's digits are the
 * ticket.
 *
 * <p>Times are whole seconds, as JWT NumericDates are; the lifetime ({@code exp - iat}) is positive and at most
 * {@link #MAX_LIFETIME}. This record holds claims only: it is not a credential, and printing it shows no secret. The
 * signed form is a {@link SignedAccessToken}.
 *
 * @param engineer the engineer's login ({@code sub})
 * @param appliance the serial of the one appliance the token is for ({@code aud})
 * @param ticket the 8-digit ticket number ({@code ticket})
 * @param holderThumbprint the RFC 8705 {@code x5t#S256} thumbprint of the engineer certificate ({@code cnf})
 * @param issuer the support server's name ({@code iss})
 * @param issuedAt when the token was issued ({@code iat})
 * @param expiresAt when it stops working ({@code exp})
 * @param id its unique id ({@code jti}), what a revocation names
 * @param reason why the engineer asked for it, as the engineer typed it ({@code reason}); may be empty
 * @param scope for a support case's token, what the case allows ({@code scope}); empty for any other token
 */
public record AccessToken(
        String engineer,
        String appliance,
        String ticket,
        String holderThumbprint,
        String issuer,
        Instant issuedAt,
        Instant expiresAt,
        UUID id,
        Optional<String> reason,
        Optional<TokenScope> scope) {

    /** The lifetime of a token when none is asked for. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

    /** The longest lifetime a token may have. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(7);

    /** The longest reason text kept in a token. */
    public static final int MAX_REASON_LENGTH = 200;

    static final String CLAIM_TICKET = "ticket";
    static final String CLAIM_CONFIRMATION = "cnf";
    static final String CONFIRMATION_X5T_S256 = "x5t#S256";
    static final String CLAIM_REASON = "reason";

    /** Same syntax as certificate identities (appliance serial, engineer login): see {@code pki.IdentityNames}. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static final Pattern TICKET = Pattern.compile("[0-9]{8}");
    private static final Pattern THUMBPRINT = Pattern.compile("[A-Za-z0-9_-]{43}");

    /**
     * @throws IllegalArgumentException if a claim is invalid or {@code expiresAt} is not after {@code issuedAt}
     * @throws TokenRefusedException ({@link Reason#TOO_LONG_LIVED}) if the lifetime exceeds {@link #MAX_LIFETIME}
     */
    public AccessToken {
        requireId(engineer, "engineer");
        requireId(appliance, "appliance");
        if (ticket == null || !TICKET.matcher(ticket).matches()) {
            throw new IllegalArgumentException("ticket: '" + OneLine.quoted(ticket) + "' (expected: exactly 8 digits)");
        }
        if (holderThumbprint == null || !THUMBPRINT.matcher(holderThumbprint).matches()) {
            throw new IllegalArgumentException("holderThumbprint: '" + OneLine.quoted(holderThumbprint)
                    + "' (expected: base64url SHA-256, 43 characters)");
        }
        if (issuer == null || issuer.isBlank() || issuer.length() > 253 || hasControl(issuer)) {
            throw new IllegalArgumentException(
                    "issuer: '" + OneLine.quoted(issuer) + "' (expected: 1 to 253 printable characters)");
        }
        requireNonNull(id, "id");
        requireNonNull(reason, "reason");
        requireNonNull(scope, "scope");
        if (scope.isPresent() && !scope.get().ticket().equals(ticket)) {
            throw new IllegalArgumentException("scope.case: " + scope.get().caseId() + " is not the case of ticket "
                    + ticket + " (expected: C" + ticket + ")");
        }
        reason = reason.map(String::strip).filter(text -> !text.isEmpty());
        if (reason.isPresent() && (reason.get().length() > MAX_REASON_LENGTH || hasControl(reason.get()))) {
            throw new IllegalArgumentException("reason: " + reason.get().length() + " characters (expected: at most "
                    + MAX_REASON_LENGTH + " printable characters)");
        }
        issuedAt = requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.SECONDS);
        expiresAt = requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.SECONDS);
        requireLifetime(Duration.between(issuedAt, expiresAt));
    }

    /** A token with no case scope. */
    public AccessToken(
            String engineer,
            String appliance,
            String ticket,
            String holderThumbprint,
            String issuer,
            Instant issuedAt,
            Instant expiresAt,
            UUID id,
            Optional<String> reason) {
        this(engineer, appliance, ticket, holderThumbprint, issuer, issuedAt, expiresAt, id, reason, Optional.empty());
    }

    /**
     * A new token for the engineer whose certificate is {@code engineerCertificate}, with a fresh random id.
     *
     * @param issuedAt truncated to whole seconds
     * @param lifetime at most {@link #MAX_LIFETIME}; whole seconds
     * @param reason free text from the engineer, or null / blank for none
     * @throws CryptoException if {@code engineerCertificate} is not an engineer certificate
     * @throws TokenRefusedException ({@link Reason#TOO_LONG_LIVED}) if {@code lifetime} exceeds {@link #MAX_LIFETIME}
     */
    public static AccessToken of(
            X509Certificate engineerCertificate,
            String appliance,
            String ticket,
            String issuer,
            Instant issuedAt,
            Duration lifetime,
            @Nullable String reason) {
        return of(engineerCertificate, appliance, ticket, issuer, issuedAt, lifetime, reason, null);
    }

    /**
     * A new token as {@link #of(X509Certificate, String, String, String, Instant, Duration, String)}, limited to a
     * support case's {@code scope} (null for none; its case's digits must be {@code ticket}).
     */
    public static AccessToken of(
            X509Certificate engineerCertificate,
            String appliance,
            String ticket,
            String issuer,
            Instant issuedAt,
            Duration lifetime,
            @Nullable String reason,
            @Nullable TokenScope scope) {
        requireNonNull(engineerCertificate, "engineerCertificate");
        requireLifetime(requireNonNull(lifetime, "lifetime"));
        CertificateIdentity identity = CertificateIdentity.of(engineerCertificate);
        if (identity.role() != CertificateRole.ENGINEER) {
            throw new CryptoException(
                    "an access token is issued to an engineer certificate, not to " + identity.describe());
        }
        Instant issued = issuedAt.truncatedTo(ChronoUnit.SECONDS);
        return new AccessToken(
                identity.id(),
                appliance,
                ticket,
                CertificateFingerprint.of(engineerCertificate).thumbprint(),
                issuer,
                issued,
                issued.plus(lifetime),
                UUID.randomUUID(),
                Optional.ofNullable(reason),
                Optional.ofNullable(scope));
    }

    /** {@code expiresAt - issuedAt}. */
    public Duration lifetime() {
        return Duration.between(issuedAt, expiresAt);
    }

    /** Whether {@code certificate} is the one this token was issued to (its RFC 8705 thumbprint matches). */
    public boolean isHeldBy(X509Certificate certificate) {
        if (certificate == null) {
            return false;
        }
        byte[] presented = CertificateFingerprint.of(certificate).thumbprint().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presented, holderThumbprint.getBytes(StandardCharsets.US_ASCII));
    }

    /** One line for listings and audit details: every claim, no secret. */
    @Override
    public String toString() {
        return "access token " + id + " for engineer " + engineer + " on appliance " + appliance + ", ticket " + ticket
                + ", holder x5t#S256=" + holderThumbprint + ", issued by " + issuer + " at " + issuedAt
                + ", expires " + expiresAt
                + reason.map(text -> ", reason '" + text + "'").orElse("")
                + scope.map(limits -> ", limited to " + limits.describe()).orElse("");
    }

    // ---- JWT claims ------------------------------------------------------------------------------------------

    JWTClaimsSet toClaims() {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(engineer)
                .audience(appliance)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(id.toString())
                .claim(CLAIM_TICKET, ticket)
                .claim(CLAIM_CONFIRMATION, Map.of(CONFIRMATION_X5T_S256, holderThumbprint));
        reason.ifPresent(text -> claims.claim(CLAIM_REASON, text));
        scope.ifPresent(limits -> claims.claim(TokenScope.CLAIM, limits.toClaim()));
        return claims.build();
    }

    /**
     * Reads the claims of a token.
     *
     * @throws TokenRefusedException {@link Reason#MALFORMED} for a missing or invalid claim,
     *     {@link Reason#WRONG_AUDIENCE} unless exactly one audience is named, {@link Reason#TOO_LONG_LIVED}
     */
    static AccessToken fromClaims(JWTClaimsSet claims) {
        List<String> audience = claims.getAudience();
        if (audience.size() != 1) {
            throw malformed(
                    Reason.WRONG_AUDIENCE,
                    "it names " + audience.size() + " appliances (aud); a token is for exactly one",
                    null);
        }
        try {
            String jti = required(claims.getJWTID(), "jti");
            UUID id = parseUuid(jti);
            Map<String, Object> confirmation = claims.getJSONObjectClaim(CLAIM_CONFIRMATION);
            Object thumbprint = confirmation == null ? null : confirmation.get(CONFIRMATION_X5T_S256);
            if (!(thumbprint instanceof String holder)) {
                throw malformed(Reason.MALFORMED, "it has no valid holder-of-key claim (cnf.x5t#S256)", null);
            }
            return new AccessToken(
                    required(claims.getSubject(), "sub"),
                    audience.get(0),
                    required(claims.getStringClaim(CLAIM_TICKET), CLAIM_TICKET),
                    holder,
                    required(claims.getIssuer(), "iss"),
                    required(claims.getIssueTime(), "iat").toInstant(),
                    required(claims.getExpirationTime(), "exp").toInstant(),
                    id,
                    Optional.ofNullable(claims.getStringClaim(CLAIM_REASON)),
                    Optional.ofNullable(claims.getClaim(TokenScope.CLAIM)).map(TokenScope::fromClaim));
        } catch (ParseException | IllegalArgumentException e) {
            throw malformed(Reason.MALFORMED, "its claims are not valid: " + e.getMessage(), e);
        }
    }

    private static UUID parseUuid(String jti) {
        try {
            UUID id = UUID.fromString(jti);
            if (id.toString().equalsIgnoreCase(jti)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("jti: '" + OneLine.quoted(jti) + "' (expected: a UUID)");
    }

    private static <T> T required(T value, String claim) {
        if (value == null) {
            throw new IllegalArgumentException(claim + ": missing");
        }
        return value;
    }

    private static TokenRefusedException malformed(Reason reason, String detail, @Nullable Throwable cause) {
        return new TokenRefusedException(reason, "access token refused: " + detail, cause);
    }

    private static void requireLifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime: " + lifetime + " (expected: > 0, expiry after issue)");
        }
        if (lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new TokenRefusedException(
                    Reason.TOO_LONG_LIVED,
                    "access token refused: a lifetime of " + describe(lifetime) + " exceeds the maximum of "
                            + describe(MAX_LIFETIME));
        }
    }

    /** A duration as a person reads it: {@code 7 days}, {@code 2 h 30 min}, {@code 45 s}. */
    static String describe(Duration duration) {
        long seconds = duration.getSeconds();
        StringBuilder text = new StringBuilder();
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        long rest = seconds % 60;
        if (days > 0) {
            text.append(days).append(days == 1 ? " day" : " days");
        }
        if (hours > 0) {
            text.append(text.length() > 0 ? " " : "").append(hours).append(" h");
        }
        if (minutes > 0) {
            text.append(text.length() > 0 ? " " : "").append(minutes).append(" min");
        }
        if (rest > 0 || text.length() == 0) {
            text.append(text.length() > 0 ? " " : "").append(rest).append(" s");
        }
        return text.toString();
    }

    private static void requireId(String value, String field) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    field + ": '" + OneLine.quoted(value) + "' (expected: 1 to 64 characters from A-Z a-z 0-9 . _ -)");
        }
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }
}
