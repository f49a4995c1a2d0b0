package dev.secureconnect.tunnel.enrolment;

/** A body that is not an enrolment request (or answer); the message is one line saying what was expected. */
public final class InvalidEnrolmentRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidEnrolmentRequestException(String message) {
        super(message);
    }
}
