package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateRole;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.security.cert.X509Certificate;

/**
 * Who is at the other end of an engineer-listener connection, from its TLS handshake: an engineer or an API client.
 *
 * @param role {@link CertificateRole#ENGINEER} or {@link CertificateRole#API_CLIENT}: what the connection may call
 *     is decided by the {@link ApiRouter} from this
 * @param login the engineer's login in the certificate, or the API client's name
 * @param certificate the certificate the engineer connected with (the holder an access token must be bound to)
 * @param fingerprint its SHA-256 fingerprint (what a login session is bound to)
 * @param source the peer's {@code host:port}
 * @param address the peer's address alone, what source blocks count
 */
record EngineerConnection(
        CertificateRole role,
        String login,
        X509Certificate certificate,
        CertificateFingerprint fingerprint,
        String source,
        java.net.InetAddress address) {

    static final AttributeKey<EngineerConnection> KEY = AttributeKey.valueOf(EngineerConnection.class.getName());

    EngineerConnection {
        requireNonNull(role, "role");
        requireNonNull(login, "login");
        requireNonNull(certificate, "certificate");
        requireNonNull(fingerprint, "fingerprint");
        requireNonNull(source, "source");
        requireNonNull(address, "address");
    }

    /** The connection of {@code channel}: the socket's, also for an HTTP/2 stream's child channel. */
    static EngineerConnection of(Channel channel) {
        Channel socket = channel;
        while (socket.parent() != null && !socket.hasAttr(KEY)) {
            socket = socket.parent();
        }
        return socket.attr(KEY).get();
    }
}
