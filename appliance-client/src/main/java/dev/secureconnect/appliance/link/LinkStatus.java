package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The link's state as the admin sees it ({@link ApplianceStatus.State}), derived from the switch, the tickets, the
 * current attempt and the back-off, and since when it holds.
 *
 * <p>Used on the link's event loop only.
 */
final class LinkStatus {

    private final Clock clock;
    private ApplianceStatus.@Nullable State shown;
    private Instant since;

    LinkStatus(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
        this.since = clock.instant();
    }

    /**
     * @param link the current attempt, or null
     * @param redial the back-off
     */
    static ApplianceStatus.State of(boolean enabled, Tickets tickets, @Nullable LinkAttempt link, Redial redial) {
        if (!enabled) {
            return ApplianceStatus.State.DISABLED;
        }
        if (tickets.isEmpty()) {
            return ApplianceStatus.State.IDLE;
        }
        if (tickets.allRefused()) {
            return ApplianceStatus.State.REFUSED;
        }
        if (link != null && link.up && !link.intentional) {
            return ApplianceStatus.State.CONNECTED;
        }
        if (link == null && redial.pending()) {
            return ApplianceStatus.State.BACKING_OFF;
        }
        return ApplianceStatus.State.CONNECTING;
    }

    /** The link in a few words, for the admin's answer to a connected ticket. */
    static String describe(ApplianceStatus.State state, String server, Redial redial) {
        return switch (state) {
            case CONNECTED -> "sent to the server at " + server + " over the open link";
            case BACKING_OFF -> "the link is backing off until " + redial.at() + " (" + redial.lastProblem() + ")";
            default -> "the link to " + server + " is " + state.label();
        };
    }

    /** Notes the state now: {@code since} moves when it changed. */
    void update(ApplianceStatus.State now) {
        if (now != shown) {
            shown = now;
            since = clock.instant();
        }
    }

    /**
     * What {@code sc-appliance status} shows.
     *
     * @param sessions the open sessions of a ticket
     */
    ApplianceStatus snapshot(
            boolean enabled,
            String serial,
            String server,
            Tickets tickets,
            @Nullable LinkAttempt link,
            Redial redial,
            List<String> services,
            ToIntFunction<String> sessions) {
        ApplianceStatus.State state = of(enabled, tickets, link, redial);
        update(state);
        String reason =
                switch (state) {
                    case REFUSED -> tickets.refusals();
                    case BACKING_OFF -> redial.lastProblem();
                    case DISABLED -> "SecureConnect is off";
                    case IDLE -> "no ticket connected";
                    default -> null;
                };
        ApplianceStatus.Link linkView = new ApplianceStatus.Link(
                state.label(),
                reason,
                since.toString(),
                state == ApplianceStatus.State.BACKING_OFF && redial.at() != null
                        ? redial.at().toString()
                        : null,
                state == ApplianceStatus.State.CONNECTED && link != null ? link.serverIdentity : null);
        List<ApplianceStatus.Connection> rows = tickets.all().stream()
                .map(t -> new ApplianceStatus.Connection(
                        t.number,
                        t.status.label,
                        t.refusal,
                        server,
                        t.connectedAt.toString(),
                        services,
                        sessions.applyAsInt(t.number)))
                .toList();
        return new ApplianceStatus(enabled, serial, server, linkView, rows, services);
    }
}
