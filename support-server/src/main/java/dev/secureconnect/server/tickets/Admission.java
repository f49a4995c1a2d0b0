package dev.secureconnect.server.tickets;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.tunnel.link.TicketNumber;
import org.jspecify.annotations.Nullable;

/**
 * The answer to an appliance quoting a ticket number on its link: accepted, or refused with a reason the appliance
 * shows to its admin.
 *
 * @param ticket the number quoted
 * @param refusal why it is refused, or {@code null} when accepted
 */
public record Admission(TicketNumber ticket, @Nullable Refusal refusal) {

    /** Why a quoted ticket is refused; {@link #reason()} is the text the appliance shows. */
    public enum Refusal {
        UNKNOWN_TICKET("unknown ticket"),
        TICKET_CLOSED("ticket closed"),
        OTHER_APPLIANCE("ticket is for another appliance");

        private final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    public Admission {
        requireNonNull(ticket, "ticket");
    }

    static Admission accepted(TicketNumber ticket) {
        return new Admission(ticket, null);
    }

    static Admission refused(TicketNumber ticket, Refusal refusal) {
        return new Admission(ticket, requireNonNull(refusal, "refusal"));
    }

    public boolean accepted() {
        return refusal == null;
    }

    /** {@code accepted}, or the refusal's text such as {@code ticket closed}. */
    public String reason() {
        return refusal == null ? "accepted" : refusal.reason();
    }
}
