package dev.secureconnect.export.syslog;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How syslog messages travel to the receiver. */
public enum SyslogTransport {
    /** One datagram per message (RFC 5426); nothing tells the sender that a datagram was lost. */
    UDP,
    /** A TCP stream with octet-counting framing (RFC 6587 §3.4.1). */
    TCP,
    /** TLS 1.2 or 1.3 with the same framing (RFC 5425); the receiver's certificate is verified. */
    TLS;

    /** The lower-case name settings use: {@code udp}, {@code tcp}, {@code tls}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a transport name from settings, in any case.
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static SyslogTransport parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (SyslogTransport transport : values()) {
            if (transport.label().equals(value)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("transport: '" + text + "' (expected: one of "
                + Arrays.stream(values()).map(SyslogTransport::label).collect(Collectors.joining(", ")) + ")");
    }
}
