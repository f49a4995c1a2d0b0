package dev.secureconnect.tunnel.link;

/**
 * A ticket number that is not exactly 8 ASCII digits. The message is one line quoting the input with control
 * characters escaped, safe to show to a person or the peer, e.g. {@code ticket number '1234567' is not valid:
 * expected exactly 8 digits}.
 */
public final class InvalidTicketNumberException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidTicketNumberException(String message) {
        super(message);
    }
}
