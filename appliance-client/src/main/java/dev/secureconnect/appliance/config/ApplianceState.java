package dev.secureconnect.appliance.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.appliance.access.CaseScope;
import dev.secureconnect.tunnel.link.CaseNotice;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code DIR/state.json}, written by the daemon whenever the admin acts: whether SecureConnect is on, and the tickets
 * the admin connected, each with the server's refusal when it refused one (a refused ticket is not offered again
 * until the admin connects it again). It survives daemon restarts: a disabled appliance stays disabled.
 */
@JsonPropertyOrder({"enabled", "tickets", "cases", "decisions"})
public record ApplianceState(
        boolean enabled, List<Ticket> tickets, List<CaseNotice> cases, List<CaseNotice.Decision> decisions) {

    /** A new appliance: disabled, no tickets. */
    public static final ApplianceState INITIAL = new ApplianceState(false, List.of());

    /**
     * @param cases the support cases the server last told of (over the link or in a Call Home answer); absent in an
     *     older file: none
     * @param decisions the admin's approvals and declines the server has not confirmed yet (carried by the hello)
     */
    public ApplianceState {
        tickets = tickets == null ? List.of() : List.copyOf(tickets);
        cases = cases == null ? List.of() : List.copyOf(cases);
        decisions = decisions == null ? List.of() : List.copyOf(decisions);
    }

    /** The switch and the tickets, without support cases. */
    public ApplianceState(boolean enabled, List<Ticket> tickets) {
        this(enabled, tickets, List.of(), List.of());
    }

    /**
     * One connected ticket.
     *
     * @param connectedAt when the admin connected it (ISO-8601 instant)
     * @param refusal the server's reason for refusing it, or null
     * @param scope for a support case's ticket ({@code sc-appliance approve}), what the admin approved; null for a
     *     ticket connected by number
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"number", "connectedAt", "refusal", "scope"})
    public record Ticket(
            String number,
            String connectedAt,
            @Nullable String refusal,
            @Nullable CaseScope scope) {
        public Ticket {
            Objects.requireNonNull(number, "number");
            Objects.requireNonNull(connectedAt, "connectedAt");
        }

        /** A ticket connected by number, without a case's scope. */
        public Ticket(String number, String connectedAt, @Nullable String refusal) {
            this(number, connectedAt, refusal, null);
        }
    }
}
