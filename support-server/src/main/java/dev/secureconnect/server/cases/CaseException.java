package dev.secureconnect.server.cases;

/** A case that cannot be found or changed: one line saying what to do. */
public final class CaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CaseException(String message) {
        super(message);
    }
}
