package dev.secureconnect.server.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.tunnel.link.ServiceEntry;
import java.time.Instant;
import java.util.List;

/**
 * An appliance whose link this node holds, as engineers see it.
 *
 * @param tickets the tickets accepted on its link, sorted
 * @param services the services its admin allow-listed, from its latest hello
 * @param since when the link came up
 * @param address where the link comes from ({@code host:port})
 */
public record ConnectedAppliance(
        String serial, List<String> tickets, List<ServiceEntry> services, Instant since, String address) {

    public ConnectedAppliance {
        requireNonNull(serial, "serial");
        tickets = List.copyOf(tickets);
        services = List.copyOf(services);
        requireNonNull(since, "since");
        requireNonNull(address, "address");
    }
}
