package dev.secureconnect.server.appliances;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.tunnel.link.TicketNumber;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The link status of one appliance.
 *
 * @param serial the appliance's serial (from its certificate)
 * @param online whether its link is up
 * @param since when the link last came up (online) or went down (offline)
 * @param remoteAddress the address the link came from ({@code host:port}), or {@code null}
 * @param tickets the tickets the appliance's admin connected on the link; empty while offline
 * @param services the names of the services the appliance allow-listed
 * @param lastSeen the last sign of life on the link
 * @param node the server node that holds (or last held) the link
 * @param downReason why the link went down, or {@code null} while online
 */
public record ApplianceStatus(
        String serial,
        boolean online,
        Instant since,
        @Nullable String remoteAddress,
        List<TicketNumber> tickets,
        List<String> services,
        Instant lastSeen,
        String node,
        @Nullable String downReason) {

    public ApplianceStatus {
        requireNonNull(serial, "serial");
        requireNonNull(since, "since");
        tickets = List.copyOf(tickets);
        services = List.copyOf(services);
        requireNonNull(lastSeen, "lastSeen");
        requireNonNull(node, "node");
    }
}
