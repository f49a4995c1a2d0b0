package dev.secureconnect.server.tickets;

import static java.util.Objects.requireNonNull;

/** A ticket request that cannot be done; the message is one line, safe to show to the operator or the peer. */
public final class TicketException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the request failed, for callers that react differently (an exit code, an HTTP status). */
    public enum Reason {
        /** A title, appliance serial or actor that is missing or not one line. */
        INVALID_INPUT,
        /** No ticket has that number. */
        UNKNOWN_TICKET,
        /** The ticket is closed already. */
        ALREADY_CLOSED,
        /** No free number was found in the bounded number of random draws. */
        NO_FREE_NUMBER
    }

    private final Reason reason;

    public TicketException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
