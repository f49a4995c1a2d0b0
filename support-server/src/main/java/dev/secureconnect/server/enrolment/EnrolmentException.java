package dev.secureconnect.server.enrolment;

/** An enrolment step refused or failed; the message is one line for the operator (or the appliance) to act on. */
public final class EnrolmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EnrolmentException(String message) {
        super(message);
    }

    public EnrolmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
