package dev.secureconnect.server.callhome;

/** A bundle the server will not store: the HTTP status and a one-line reason the appliance is told. */
public final class BundleRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public BundleRefusedException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
