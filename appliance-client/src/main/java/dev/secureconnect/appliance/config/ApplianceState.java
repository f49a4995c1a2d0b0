package dev.secureconnect.appliance.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code DIR/state.json}, written by the daemon whenever the admin acts: whether SecureConnect is on, and the tickets
 * the admin connected, each with the server's refusal when it refused one (a refused ticket is not offered again
 * until the admin connects it again). It survives daemon restarts: a disabled appliance stays disabled.
 */
@JsonPropertyOrder({"enabled", "tickets"})
public record ApplianceState(boolean enabled, List<Ticket> tickets) {

    /** A new appliance: disabled, no tickets. */
    public static final ApplianceState INITIAL = new ApplianceState(false, List.of());

    public ApplianceState {
        tickets = tickets == null ? List.of() : List.copyOf(tickets);
    }

    /**
     * One connected ticket.
     *
     * @param connectedAt when the admin connected it (ISO-8601 instant)
     * @param refusal the server's reason for refusing it, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"number", "connectedAt", "refusal"})
    public record Ticket(
            String number, String connectedAt, @Nullable String refusal) {
        public Ticket {
            Objects.requireNonNull(number, "number");
            Objects.requireNonNull(connectedAt, "connectedAt");
        }
    }
}
