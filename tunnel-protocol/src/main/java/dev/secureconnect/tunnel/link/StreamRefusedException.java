package dev.secureconnect.tunnel.link;

/**
 * The peer answered a stream request with a status other than 200: its HTTP status (403 refused, 404 unknown, 502
 * service down, …) and its one-line reason ({@value LinkProtocol#HEADER_REASON}).
 */
public final class StreamRefusedException extends LinkException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public StreamRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the peer answered. */
    public int status() {
        return status;
    }
}
