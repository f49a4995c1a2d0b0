package dev.secureconnect.tunnel.enrolment;

/** Text that is not an enrolment code; the message is one line saying what was expected. */
public final class InvalidEnrolmentCodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidEnrolmentCodeException(String message) {
        super(message);
    }
}
