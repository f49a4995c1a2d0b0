package dev.secureconnect.server.engineers;

import static java.util.Objects.requireNonNull;

/** An engineer request that cannot be done; the message is one line, safe to show to the operator. */
public final class EngineerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the request failed, for callers that react differently (an exit code, an HTTP status). */
    public enum Reason {
        /** A login or actor that is missing or not one line. */
        INVALID_INPUT,
        /** The certificate is not a valid SecureConnect engineer certificate for the login given. */
        NOT_AN_ENGINEER_CERTIFICATE,
        /** No engineer has that login. */
        UNKNOWN_ENGINEER,
        /** An engineer with that login, or that certificate, is enrolled already. */
        ALREADY_ENROLLED,
        /** The engineer is disabled already. */
        ALREADY_DISABLED,
        /** The engineer is enabled already and not locked out. */
        ALREADY_ENABLED
    }

    private final Reason reason;

    public EngineerException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
