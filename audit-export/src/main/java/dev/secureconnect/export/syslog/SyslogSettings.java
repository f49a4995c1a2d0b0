package dev.secureconnect.export.syslog;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.export.format.MessageFormat;
import dev.secureconnect.export.format.SyslogFacility;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where and how a {@link SyslogDestination} sends.
 *
 * @param transport UDP, TCP or TLS
 * @param host the receiver's DNS name or IP literal (an IPv6 literal with or without brackets)
 * @param port 1–65535 (514 for UDP and TCP, 6514 for TLS by convention)
 * @param format the message format
 * @param facility the syslog facility, 0–23 ({@link SyslogFacility#parse} reads names);
 *     {@link SyslogFacility#DEFAULT} is 13, log audit
 * @param ca TLS only, required: PEM file of the CA certificate(s) the receiver's certificate must chain to. The
 *     receiver's certificate must also name {@code host}: a DNS name in its subject alternative names (HTTPS-style
 *     endpoint identification, RFC 2818 / RFC 6125), or, when {@code host} is an IP literal, that address as an
 *     IP address SAN. Revocation is not checked.
 * @param certificate TLS only, optional: PEM file of the client certificate (and its chain) presented when the
 *     receiver asks for one; with {@code key}
 * @param key TLS only, optional: the unencrypted PEM private key of {@code certificate} (RSA, at least 2048 bits)
 * @param connectTimeout how long connecting, and the TLS handshake, may take; null for {@link #DEFAULT_CONNECT_TIMEOUT}
 * @param writeTimeout how long a write may stay blocked because the receiver reads nothing; null for
 *     {@link #DEFAULT_WRITE_TIMEOUT}
 */
public record SyslogSettings(
        SyslogTransport transport,
        String host,
        int port,
        MessageFormat format,
        int facility,
        @Nullable Path ca,
        @Nullable Path certificate,
        @Nullable Path key,
        Duration connectTimeout,
        Duration writeTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

    public SyslogSettings {
        requireNonNull(transport, "transport");
        requireNonNull(host, "host");
        requireNonNull(format, "format");
        if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: a DNS name or an IP address)");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        SyslogFacility.of(facility);
        connectTimeout = positive("connectTimeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        writeTimeout = positive("writeTimeout", writeTimeout, DEFAULT_WRITE_TIMEOUT);
        if (transport == SyslogTransport.TLS) {
            if (ca == null) {
                throw new IllegalArgumentException("ca: missing (expected: the PEM file of the CA that issued the"
                        + " receiver's certificate, for transport tls)");
            }
            if ((certificate == null) != (key == null)) {
                throw new IllegalArgumentException("certificate and key: only one given (expected: both, for a client"
                        + " certificate, or neither)");
            }
        } else if (ca != null || certificate != null || key != null) {
            throw new IllegalArgumentException("ca, certificate, key: given for transport " + transport.label()
                    + " (expected: only with transport tls)");
        }
    }

    /** Plain TCP or UDP with the default facility and timeouts. */
    public static SyslogSettings of(SyslogTransport transport, String host, int port, MessageFormat format) {
        return new SyslogSettings(
                transport,
                host,
                port,
                format,
                SyslogFacility.DEFAULT.code(),
                null,
                null,
                null,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_WRITE_TIMEOUT);
    }

    /** The host without IPv6 brackets, as sockets and certificate checks want it. */
    String bareHost() {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** {@code host:port}, an IPv6 literal in brackets. */
    String address() {
        String bare = bareHost();
        return (bare.indexOf(':') >= 0 ? "[" + bare + "]" : bare) + ":" + port;
    }

    private static Duration positive(String name, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > PT0S and <= PT10M)");
        }
        return value;
    }
}
