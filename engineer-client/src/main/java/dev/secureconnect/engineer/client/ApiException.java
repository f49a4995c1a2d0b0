package dev.secureconnect.engineer.client;

import dev.secureconnect.engineer.EngineerException;

/**
 * The server answered a JSON API request with an error: its HTTP status, its reason code ({@code "reason"}, may be
 * empty) and its one-line message ({@code "error"}).
 */
public final class ApiException extends EngineerException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;

    public ApiException(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason == null ? "" : reason;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }
}
