package dev.secureconnect.server.enrolment;

/** An enrolment step refused or failed; the message is one line for the operator (or the appliance) to act on. */
public final class EnrolmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an appliance's enrolment was refused, as the audit log's {@code reason} names it. */
    public enum Reason {
        MALFORMED_REQUEST("malformed-request"),
        MALFORMED_CODE("malformed-code"),
        UNKNOWN_CODE("unknown-code"),
        OTHER_SERIAL("other-serial"),
        USED("used"),
        EXPIRED("expired"),
        REVOKED("revoked"),
        BAD_REQUEST("bad-request"),
        HAS_CERTIFICATE("has-certificate"),
        /** Renewal: the link's certificate is not one the enrolment CA signed. */
        NOT_ENROLLED("not-enrolled"),
        /** Renewal: the link's certificate was replaced by a renewal since, and is not the one before the newest. */
        NOT_CURRENT("not-current"),
        /** Not an appliance's fault: the operator's command or the server's files. */
        OPERATOR("operator");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public EnrolmentException(String message) {
        this(Reason.OPERATOR, message);
    }

    public EnrolmentException(String message, Throwable cause) {
        super(message, cause);
        this.reason = Reason.OPERATOR;
    }

    public EnrolmentException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
