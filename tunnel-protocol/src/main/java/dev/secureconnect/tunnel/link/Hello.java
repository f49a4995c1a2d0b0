package dev.secureconnect.tunnel.link;

import java.util.List;
import java.util.Objects;

/**
 * What an appliance tells the server about itself: its serial (which must match its certificate), protocol
 * version and software version, the tickets its admin connected, the services it allows, and the latest signed
 * checkpoint of its audit log.
 *
 * @param auditCheckpoint the compact JWS of the appliance's latest audit checkpoint (common-crypto
 *     {@code ChainCheckpoint}, signed with the key of the link's certificate), or empty when it has none yet; a new
 *     hello is sent when a new checkpoint is signed
 * @param decisions the admin's approvals and declines of support cases the server's case list does not show yet
 *     (empty, or absent in the JSON, when none)
 */
public record Hello(
        String serial,
        int protocolVersion,
        String softwareVersion,
        List<String> tickets,
        List<ServiceEntry> services,
        String auditCheckpoint,
        List<CaseNotice.Decision> decisions) {
    public Hello {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(softwareVersion, "softwareVersion");
        tickets = List.copyOf(tickets);
        services = List.copyOf(services);
        auditCheckpoint = auditCheckpoint == null ? "" : auditCheckpoint; // absent in the JSON: none
        decisions = decisions == null ? List.of() : List.copyOf(decisions); // absent in the JSON: none
    }

    /** A hello without case decisions. */
    public Hello(
            String serial,
            int protocolVersion,
            String softwareVersion,
            List<String> tickets,
            List<ServiceEntry> services,
            String auditCheckpoint) {
        this(serial, protocolVersion, softwareVersion, tickets, services, auditCheckpoint, List.of());
    }

    /** A hello without an audit checkpoint. */
    public Hello(
            String serial,
            int protocolVersion,
            String softwareVersion,
            List<String> tickets,
            List<ServiceEntry> services) {
        this(serial, protocolVersion, softwareVersion, tickets, services, "");
    }
}
