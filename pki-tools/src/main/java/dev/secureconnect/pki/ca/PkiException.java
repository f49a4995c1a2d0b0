package dev.secureconnect.pki.ca;

/** A request the PKI admin made that cannot be carried out; the message says what was wrong and what to do. */
public class PkiException extends RuntimeException {

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
