package dev.secureconnect.tunnel.link;

import java.util.List;
import java.util.Objects;

/**
 * What an appliance tells the server about itself: its serial (which must match its certificate), protocol
 * version and software version, the tickets its admin connected, and the services it allows.
 */
public record Hello(
        String serial, int protocolVersion, String softwareVersion, List<String> tickets, List<ServiceEntry> services) {
    public Hello {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(softwareVersion, "softwareVersion");
        tickets = List.copyOf(tickets);
        services = List.copyOf(services);
    }
}
