package dev.secureconnect.export.syslog;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.export.DeliveryException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** RFC 5426: one datagram per message, cut at {@code maxDatagram} octets. */
final class UdpSender implements Sender {

    private static final Logger LOG = LoggerFactory.getLogger(UdpSender.class);

    private final SyslogSettings settings;
    private final int maxDatagram;
    private @Nullable DatagramSocket socket;

    UdpSender(SyslogSettings settings, int maxDatagram) {
        this.settings = settings;
        this.maxDatagram = maxDatagram;
    }

    @Override
    public void send(List<String> messages) throws DeliveryException {
        if (socket == null) {
            socket = open();
        }
        try {
            for (String message : messages) {
                byte[] datagram = truncate(message.getBytes(StandardCharsets.UTF_8), maxDatagram);
                socket.send(new DatagramPacket(datagram, datagram.length));
            }
        } catch (PortUnreachableException e) {
            close();
            throw new DeliveryException("nothing listens on " + settings.address() + " (ICMP port unreachable)", e);
        } catch (IOException e) {
            close();
            throw new DeliveryException("cannot send to " + settings.address() + ": " + OneLine.reason(e), e);
        }
    }

    private DatagramSocket open() throws DeliveryException {
        InetSocketAddress target = new InetSocketAddress(settings.bareHost(), settings.port());
        if (target.isUnresolved()) {
            throw new DeliveryException("unknown host '" + settings.bareHost() + "'");
        }
        try {
            DatagramSocket opened = new DatagramSocket();
            opened.connect(target);
            LOG.debug("Sending syslog datagrams to {}", settings.address());
            return opened;
        } catch (IOException e) {
            throw new DeliveryException("cannot send to " + settings.address() + ": " + OneLine.reason(e), e);
        }
    }

    /** At most {@code max} octets, never ending inside a UTF-8 sequence. */
    static byte[] truncate(byte[] utf8, int max) {
        if (utf8.length <= max) {
            return utf8;
        }
        int end = max;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--;
        }
        LOG.debug("Cut a syslog datagram of {} octets to {}", utf8.length, end);
        return Arrays.copyOf(utf8, end);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
