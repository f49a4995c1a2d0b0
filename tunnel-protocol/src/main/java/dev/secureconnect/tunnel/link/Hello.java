package dev.secureconnect.tunnel.link;

import java.util.List;
import java.util.Objects;

/**
 * What an appliance tells the server about itself: its serial (which must match its certificate), protocol
 * version and software version, the tickets its admin connected, the services it allows, the latest signed
 * checkpoint of its audit log, a certificate request when it wants its certificate renewed, and its admin's
 * decisions on support cases.
 *
 * @param auditCheckpoint the compact JWS of the appliance's latest audit checkpoint (common-crypto
 *     {@code ChainCheckpoint}, signed with the key of the link's certificate), or empty when it has none yet; a new
 *     hello is sent when a new checkpoint is signed
 * @param renewalCsr a PEM certificate request for a new key pair when the appliance wants its certificate renewed
 *     (the server answers with {@code POST} {@value LinkProtocol#PATH_CERTIFICATE}), or empty
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
        String renewalCsr,
        List<CaseNotice.Decision> decisions) {
    public Hello {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(softwareVersion, "softwareVersion");
        tickets = List.copyOf(tickets);
        services = List.copyOf(services);
        auditCheckpoint = auditCheckpoint == null ? "" : auditCheckpoint; // absent in the JSON: none
        renewalCsr = renewalCsr == null ? "" : renewalCsr; // absent in the JSON: no renewal wanted
        decisions = decisions == null ? List.of() : List.copyOf(decisions); // absent in the JSON: none
    }

    /** A hello without case decisions. */
    public Hello(
            String serial,
            int protocolVersion,
            String softwareVersion,
            List<String> tickets,
            List<ServiceEntry> services,
            String auditCheckpoint,
            String renewalCsr) {
        this(serial, protocolVersion, softwareVersion, tickets, services, auditCheckpoint, renewalCsr, List.of());
    }

    /** A hello without a renewal request. */
    public Hello(
            String serial,
            int protocolVersion,
            String softwareVersion,
            List<String> tickets,
            List<ServiceEntry> services,
            String auditCheckpoint,
            List<CaseNotice.Decision> decisions) {
        this(serial, protocolVersion, softwareVersion, tickets, services, auditCheckpoint, "", decisions);
    }

    /** A hello without a renewal request or case decisions. */
    public Hello(
            String serial,
            int protocolVersion,
            String softwareVersion,
            List<String> tickets,
            List<ServiceEntry> services,
            String auditCheckpoint) {
        this(serial, protocolVersion, softwareVersion, tickets, services, auditCheckpoint, "", List.of());
    }

    /** A hello without an audit checkpoint. */
    public Hello(
            String serial,
            int protocolVersion,
            String softwareVersion,
            List<String> tickets,
            List<ServiceEntry> services) {
        this(serial, protocolVersion, softwareVersion, tickets, services, "", "", List.of());
    }
}
