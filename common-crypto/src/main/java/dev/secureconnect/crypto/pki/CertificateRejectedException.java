package dev.secureconnect.crypto.pki;

import dev.secureconnect.crypto.CryptoException;
import org.jspecify.annotations.Nullable;

/** A certificate chain that did not validate, with the reason in a form an audit event can record. */
public final class CertificateRejectedException extends CryptoException {

    /** Why a chain was refused. */
    public enum Reason {
        REVOKED("revoked"),
        EXPIRED("expired"),
        NOT_YET_VALID("not-yet-valid"),
        UNKNOWN_CA("unknown-ca"),
        REVOCATION_STATUS_UNKNOWN("revocation-status-unknown"),
        WRONG_ROLE("wrong-role"),
        INVALID("invalid");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Reason reason;

    public CertificateRejectedException(Reason reason, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
