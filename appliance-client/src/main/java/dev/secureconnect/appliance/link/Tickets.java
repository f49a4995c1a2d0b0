package dev.secureconnect.appliance.link;

import dev.secureconnect.appliance.access.CaseScope;
import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.tunnel.link.Admission;
import io.netty.util.concurrent.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The tickets the admin connected, each with the server's verdict: {@code pending} until admitted on a live link,
 * {@code accepted}, or {@code refused} with the server's reason (kept, and not offered again until the admin connects
 * it again). Knows how they are persisted ({@link ApplianceState}) and how an admission changes them; it neither dials,
 * audits nor logs.
 *
 * <p>Used on the link's event loop only (the supervisor's).
 */
final class Tickets {

    /** The most tickets connected at once. */
    static final int MAX = 16;

    enum Status {
        PENDING("pending"),
        ACCEPTED("accepted"),
        REFUSED("refused");

        final String label;

        Status(String label) {
            this.label = label;
        }
    }

    static final class Ticket {
        final String number;
        Instant connectedAt;
        Status status = Status.PENDING;

        @Nullable
        String refusal;

        /** What the admin approved when the ticket is a support case's; null for a ticket connected by number. */
        @Nullable
        CaseScope scope;

        final List<Promise<Void>> waiters = new ArrayList<>();

        Ticket(String number, Instant connectedAt) {
            this.number = number;
            this.connectedAt = connectedAt;
        }

        /** The server gave its verdict, or the ticket left: whoever waits for it is woken. */
        void settle() {
            waiters.forEach(waiter -> waiter.trySuccess(null));
            waiters.clear();
        }
    }

    /** What one admission changed: the tickets newly accepted and those refused. */
    record Admitted(List<Ticket> accepted, List<Ticket> refused) {}

    private final Map<String, Ticket> tickets = new LinkedHashMap<>();

    /** The persisted tickets: a saved refusal is kept, everything else is pending again. */
    static Tickets restore(ApplianceState state) {
        Tickets restored = new Tickets();
        for (ApplianceState.Ticket saved : state.tickets()) {
            Ticket ticket = new Ticket(saved.number(), parseInstant(saved.connectedAt()));
            ticket.scope = saved.scope();
            if (saved.refusal() != null) {
                ticket.status = Status.REFUSED;
                ticket.refusal = saved.refusal();
            }
            restored.tickets.put(ticket.number, ticket);
        }
        return restored;
    }

    /** As persisted: number, when connected, the server's refusal if any, and a case's approved scope. */
    List<ApplianceState.Ticket> saved() {
        return tickets.values().stream()
                .map(t -> new ApplianceState.Ticket(
                        t.number, t.connectedAt.toString(), t.status == Status.REFUSED ? t.refusal : null, t.scope))
                .toList();
    }

    @Nullable
    Ticket get(String number) {
        return tickets.get(number);
    }

    Collection<Ticket> all() {
        return tickets.values();
    }

    int size() {
        return tickets.size();
    }

    boolean isEmpty() {
        return tickets.isEmpty();
    }

    /** Connects a ticket, or connects a refused one again (pending, connected now). */
    Ticket connect(String number, Instant now) {
        return connect(number, now, null);
    }

    /**
     * Connects a ticket limited to {@code scope} (a support case's; null: unlimited), or connects a refused one again
     * (pending, connected now, with this scope).
     */
    Ticket connect(String number, Instant now, @Nullable CaseScope scope) {
        Ticket ticket = tickets.get(number);
        if (ticket == null) {
            ticket = new Ticket(number, now);
            tickets.put(ticket.number, ticket);
        } else {
            ticket.status = Status.PENDING;
            ticket.refusal = null;
            ticket.connectedAt = now;
        }
        ticket.scope = scope;
        return ticket;
    }

    /** The case scope a session on {@code number} is limited to, or null when it is not a case's ticket. */
    @Nullable
    CaseScope scope(String number) {
        Ticket ticket = tickets.get(number);
        return ticket == null ? null : ticket.scope;
    }

    void remove(Ticket ticket) {
        tickets.remove(ticket.number);
    }

    void clear() {
        tickets.clear();
    }

    /** Whether a session on {@code number} may run: connected and accepted by the server. */
    boolean accepted(String number) {
        Ticket ticket = tickets.get(number);
        return ticket != null && ticket.status == Status.ACCEPTED;
    }

    /** The tickets offered in the hello: every one not refused. */
    List<String> offered() {
        return tickets.values().stream()
                .filter(t -> t.status != Status.REFUSED)
                .map(t -> t.number)
                .toList();
    }

    boolean anyOffered() {
        return tickets.values().stream().anyMatch(t -> t.status != Status.REFUSED);
    }

    boolean anyAccepted() {
        return tickets.values().stream().anyMatch(t -> t.status == Status.ACCEPTED);
    }

    boolean anyPending() {
        return tickets.values().stream().anyMatch(t -> t.status == Status.PENDING);
    }

    boolean allRefused() {
        return tickets.values().stream().allMatch(t -> t.status == Status.REFUSED);
    }

    /** The link closed: the accepted tickets are admitted again on the next link. */
    void acceptedToPending() {
        for (Ticket ticket : tickets.values()) {
            if (ticket.status == Status.ACCEPTED) {
                ticket.status = Status.PENDING;
            }
        }
    }

    /**
     * Takes the server's verdicts: unknown and already refused tickets are ignored; a refusal keeps the server's reason
     * (one line; "refused by the server" when it gave none). Every ticket with a verdict is settled.
     */
    Admitted admit(Admission admission) {
        List<Ticket> accepted = new ArrayList<>();
        List<Ticket> refused = new ArrayList<>();
        for (Admission.Verdict verdict : admission.verdicts()) {
            Ticket ticket = tickets.get(verdict.ticket());
            if (ticket == null || ticket.status == Status.REFUSED) {
                continue;
            }
            if (verdict.accepted()) {
                if (ticket.status != Status.ACCEPTED) {
                    ticket.status = Status.ACCEPTED;
                    accepted.add(ticket);
                }
            } else {
                ticket.status = Status.REFUSED;
                ticket.refusal = verdict.reason().isBlank() ? "refused by the server" : OneLine.of(verdict.reason());
                refused.add(ticket);
            }
            ticket.settle();
        }
        return new Admitted(accepted, refused);
    }

    /** The refused tickets with the server's reasons, for the status and the audit log. */
    String refusals() {
        return tickets.values().stream()
                .filter(t -> t.status == Status.REFUSED)
                .map(t -> "ticket " + t.number + ": " + t.refusal)
                .collect(Collectors.joining("; "));
    }

    private static Instant parseInstant(String text) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }
}
