package dev.secureconnect.server.cases;

/** {@code rules.yaml} cannot be used: one line naming the file, the line and what is wrong. */
public final class RulesException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RulesException(String message, Throwable cause) {
        super(message, cause);
    }

    public RulesException(String message) {
        super(message);
    }
}
