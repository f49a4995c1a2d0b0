package dev.secureconnect.tunnel.link;

/** A link peer broke the protocol or refused a request; the message is safe to show and to audit. */
public class LinkException extends RuntimeException {
    public LinkException(String message) {
        super(message);
    }

    public LinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
