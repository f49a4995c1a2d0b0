package dev.secureconnect.server.tickets;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.tunnel.link.TicketNumber;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A support ticket.
 *
 * @param number its 8-digit number
 * @param title what it is about
 * @param applianceSerial the only appliance that may quote it, or {@code null} for any appliance
 * @param status open or closed
 * @param openedAt when it was opened
 * @param closedAt when it was closed, or {@code null} while open
 * @param openedBy who opened it
 * @param closedBy who closed it, or {@code null} while open
 */
public record Ticket(
        TicketNumber number,
        String title,
        @Nullable String applianceSerial,
        Status status,
        Instant openedAt,
        @Nullable Instant closedAt,
        String openedBy,
        @Nullable String closedBy) {

    /** Whether an appliance may still quote the ticket. */
    public enum Status {
        OPEN,
        CLOSED;

        /** The lower-case name stored in the database and shown in listings. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status ofCode(String code) {
            return valueOf(code.toUpperCase(Locale.ROOT));
        }
    }

    public Ticket {
        requireNonNull(number, "number");
        requireNonNull(title, "title");
        requireNonNull(status, "status");
        requireNonNull(openedAt, "openedAt");
        requireNonNull(openedBy, "openedBy");
    }

    public boolean isOpen() {
        return status == Status.OPEN;
    }
}
