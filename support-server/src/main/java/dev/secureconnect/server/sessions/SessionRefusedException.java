package dev.secureconnect.server.sessions;

/**
 * A session stream that was not opened: the HTTP status to answer (401, 403, 404, 502, 504, …) and a one-line reason
 * that is safe to show the engineer ({@code sc-reason}). Already audited when thrown by the {@link SessionGate}.
 */
public final class SessionRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public SessionRefusedException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
