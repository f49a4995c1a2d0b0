package dev.secureconnect.server.tokens;

import static java.util.Objects.requireNonNull;

/** A token request that cannot be done; the message is one line, safe to show to the operator or the engineer. */
public final class TokenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why; {@link #code()} is the stable form for audit details and API answers. */
    public enum Reason {
        /** Malformed input: an id that is not a UUID, a reason that is not one line. */
        INVALID_INPUT,
        /** No token has that id. */
        UNKNOWN_TOKEN,
        /** The token is revoked already. */
        ALREADY_REVOKED;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public TokenException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
