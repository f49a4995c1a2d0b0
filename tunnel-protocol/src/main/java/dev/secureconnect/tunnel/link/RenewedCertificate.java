package dev.secureconnect.tunnel.link;

import dev.secureconnect.crypto.text.OneLine;

/**
 * The server's answer ({@code POST} {@value LinkProtocol#PATH_CERTIFICATE}) to the certificate request an appliance
 * offered in its hello: the new certificate and the chain above it, PEM, or why the renewal was refused. The appliance
 * answers 200 once it has installed the certificate (and audited it), or 4xx with {@value LinkProtocol#HEADER_REASON}.
 *
 * @param certificates the new certificate first, then its chain (enrolment CA, root), PEM; empty when refused
 * @param refused the one-line reason the server refused the renewal, or empty
 */
public record RenewedCertificate(String certificates, String refused) {

    public RenewedCertificate {
        certificates = certificates == null ? "" : certificates;
        refused = refused == null ? "" : OneLine.of(refused);
        if (certificates.isEmpty() == refused.isEmpty()) {
            throw new LinkException("a renewed certificate carries either certificates or a refusal reason");
        }
    }

    public static RenewedCertificate signed(String certificates) {
        return new RenewedCertificate(certificates, "");
    }

    public static RenewedCertificate refusal(String reason) {
        return new RenewedCertificate("", reason.isEmpty() ? "refused" : reason);
    }

    public boolean wasRefused() {
        return !refused.isEmpty();
    }
}
