package dev.secureconnect.crypto.token;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An access token that was refused, with a stable {@link Reason} for the audit log and a one-line message that is
 * safe to show the engineer and to record: it names what was wrong, never contains the token itself, and quotes
 * nothing an attacker could use to forge lines in a log (control characters are replaced, quotes are capped).
 */
public final class TokenRefusedException extends CryptoException {

    /** Why a token was refused; {@link #label()} is the stable form for audit records and SIEM exports. */
    public enum Reason {
        /** Not a compact JWS, unreadable header or claims, a required claim missing or invalid. */
        MALFORMED("malformed"),
        /** The signature does not verify, the token is unsigned ({@code alg: none}) or uses another algorithm. */
        BAD_SIGNATURE("bad-signature"),
        /** The token names no key ({@code kid}) or one this verifier does not trust. */
        UNKNOWN_KEY("unknown-key"),
        /** The {@code typ} header is not {@code sc-access+jwt}. */
        WRONG_TYPE("wrong-type"),
        /** The token is for another appliance (or names more than one). */
        WRONG_AUDIENCE("wrong-audience"),
        /** The token's expiry, plus the allowed clock skew, has passed. */
        EXPIRED("expired"),
        /** The token's issue (or not-before) time, less the allowed clock skew, is still in the future. */
        NOT_YET_VALID("not-yet-valid"),
        /** The certificate presented is not the one the token was issued to (holder-of-key, RFC 8705). */
        WRONG_HOLDER("wrong-holder"),
        /** The token's ticket is not one the caller accepts (e.g. not connected and accepted on the appliance). */
        TICKET_NOT_ACCEPTED("ticket-not-accepted"),
        /** The token was revoked. */
        REVOKED("revoked"),
        /** The token lives longer than {@link AccessToken#MAX_LIFETIME}, at issue or at verification. */
        TOO_LONG_LIVED("too-long-lived");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** The reason as audit records carry it, e.g. {@code wrong-audience}. */
        public String label() {
            return label;
        }
    }

    private final Reason reason;
    private final transient @Nullable AccessToken token;

    public TokenRefusedException(Reason reason, String message) {
        this(reason, message, null, null);
    }

    public TokenRefusedException(Reason reason, String message, @Nullable Throwable cause) {
        this(reason, message, null, cause);
    }

    TokenRefusedException(Reason reason, String message, @Nullable AccessToken token, @Nullable Throwable cause) {
        super(oneLine(message), cause);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
        this.token = token;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * The token's claims when the refusal came after its signature had been verified (wrong audience, expired,
     * wrong holder, revoked, ticket not accepted, …), so the audit event can name the engineer, appliance and
     * ticket; empty when the token could not be trusted at all.
     */
    public Optional<AccessToken> token() {
        return Optional.ofNullable(token);
    }

    private static String oneLine(String message) {
        return message == null ? "access token refused" : OneLine.folded(message);
    }
}
