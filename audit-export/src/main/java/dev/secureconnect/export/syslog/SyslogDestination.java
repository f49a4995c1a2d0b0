package dev.secureconnect.export.syslog;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.Destination;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * A syslog receiver: each event becomes one RFC 5424 message in the configured
 * {@link dev.secureconnect.export.format.MessageFormat}, sent over UDP, TCP or TLS as {@link SyslogSettings} say.
 *
 * <p><b>UDP</b> (RFC 5426): one datagram per message; a message longer than {@link #MAX_DATAGRAM} octets is cut
 * there (at a character boundary). RFC 5426 receivers must accept 480 octets and should accept 2048; many accept
 * 8192 (rsyslog's default maximum). {@link #deliver} returns once the datagrams are sent: nothing says whether
 * they arrived. Use TCP or TLS for an audit trail.
 *
 * <p><b>TCP and TLS</b> (RFC 6587 octet counting, RFC 5425): each message is framed {@code LEN SP MSG}, LEN the
 * number of octets of the UTF-8 message; messages are not cut (raise the receiver's maximum message size if events
 * carry long details). The connection is made at the first {@link #deliver}, within the connect timeout (which
 * also bounds the TLS handshake) and kept. Before each batch on a kept connection the destination looks whether
 * the receiver has closed it (a read that does not wait); if so, it reconnects, so that a batch is not written
 * into a connection a restarted receiver has dropped. A write blocked for longer than the write timeout (the
 * receiver reads nothing, its buffers are full) is abandoned: the socket is closed under it and {@link #deliver}
 * fails. Syslog over TCP has no acknowledgements: events written just before a receiver dies can be lost without
 * an error; they are sent again only if a later batch fails.
 *
 * <p>TLS: TLS 1.3 or 1.2 with SecureConnect's cipher suites
 * ({@link dev.secureconnect.crypto.tls.TlsPolicy}); the receiver's certificate must chain to the configured CA and
 * name the host (see {@link SyslogSettings#ca()}); a client certificate is presented when configured.
 *
 * <p>On any failure the connection is closed and {@link DeliveryException} says why in one line ("connection
 * refused by 127.0.0.1:6514", "TLS handshake with 127.0.0.1:6514 failed: the receiver's certificate is not
 * trusted ..."). Not thread-safe: one delivery thread at a time, as {@link Destination} says.
 */
public final class SyslogDestination implements Destination {

    /** The longest UDP datagram sent, in octets; longer messages are cut. */
    public static final int MAX_DATAGRAM = 8192;

    private final SyslogSettings settings;
    private final ExportOrigin origin;
    private final Sender sender;

    public SyslogDestination(SyslogSettings settings, ExportOrigin origin) {
        this.settings = requireNonNull(settings, "settings");
        this.origin = requireNonNull(origin, "origin");
        this.sender = settings.transport() == SyslogTransport.UDP
                ? new UdpSender(settings, MAX_DATAGRAM)
                : new StreamSender(
                        settings, settings.transport() == SyslogTransport.TLS ? new TlsLayer(settings) : null);
    }

    @Override
    public void deliver(List<ExportedEvent> events) throws DeliveryException {
        List<String> messages = new ArrayList<>(events.size());
        for (ExportedEvent event : events) {
            messages.add(settings.format().syslogMessage(event, origin, settings.facility()));
        }
        if (!messages.isEmpty()) {
            sender.send(messages);
        }
    }

    /** {@code syslog tls 127.0.0.1:6514 cef}. */
    @Override
    public String describe() {
        return "syslog " + settings.transport().label() + " " + settings.address() + " "
                + settings.format().label();
    }

    @Override
    public void close() {
        sender.close();
    }

    @Override
    public String toString() {
        return "SyslogDestination[" + describe() + "]";
    }
}
