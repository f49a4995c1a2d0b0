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
 * @param renewalCsr a PEM certificate request for a new key pair when the appliance wants its certificate renewed
 *     (the server answers with {@code POST} {@value LinkProtocol#PATH_CERTIFICATE}), or empty
 */
public record Hello(
        String serial,
        int protocolVersion,
        String softwareVersion,
        List<String> tickets,
        List<ServiceEntry> services,
        String auditCheckpoint,
        String renewalCsr) {
    public Hello {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(softwareVersion, "softwareVersion");
        tickets = List.copyOf(tickets);
        services = List.copyOf(services);
        auditCheckpoint = auditCheckpoint == null ? "" : auditCheckpoint; // absent in the JSON: none
        renewalCsr = renewalCsr == null ? "" : renewalCsr; // absent in the JSON: no renewal wanted
    }

    /** A hello without a renewal request. */
    public Hello(
            String serial,
            int protocolVersion,
            String softwareVersion,
            List<String> tickets,
            List<ServiceEntry> services,
            String auditCheckpoint) {
        this(serial, protocolVersion, softwareVersion, tickets, services, auditCheckpoint, "");
    }

    /** A hello without an audit checkpoint. */
    public Hello(
            String serial,
            int protocolVersion,
            String softwareVersion,
            List<String> tickets,
            List<ServiceEntry> services) {
        this(serial, protocolVersion, softwareVersion, tickets, services, "", "");
    }
}
