package dev.secureconnect.crypto.tls;

import dev.secureconnect.crypto.pki.CertificateRejectedException;
import org.jspecify.annotations.Nullable;

/**
 * Told about every peer certificate an endpoint refuses during a TLS handshake, so the server can audit "handshake
 * refused (reason: revoked, expired, unknown CA, wrong role)" and an appliance can show why it refused a server.
 *
 * <p>Called on the connection's event-loop thread while the handshake is failing: record the event and return
 * quickly. An exception thrown here does not let the peer in.
 */
@FunctionalInterface
public interface HandshakeRefusalListener {

    /**
     * @param peerAddress the peer as {@code host:port}, or {@code "unknown"} when the connection did not say
     * @param subject the subject DN of the peer's certificate (RFC 2253), empty if it sent none
     * @param reason why it was refused
     * @param message what was wrong, in a sentence fit for an audit record; never contains key material
     */
    void refused(
            String peerAddress,
            @Nullable String subject,
            CertificateRejectedException.Reason reason,
            @Nullable String message);
}
