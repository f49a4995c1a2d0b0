package dev.secureconnect.export.mail;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The SMTP server a {@link SmtpMailer} hands mail to.
 *
 * @param host the server's name, which its certificate must carry under TLS
 * @param port e.g. 587 (STARTTLS), 465 (SMTPS), 25
 * @param security NONE, STARTTLS (required, never opportunistic) or SMTPS
 * @param user the login, or null to send without authentication
 * @param password the login's password (null without {@code user}); never logged and never in {@link #toString()}
 * @param from the sender address, e.g. {@code SecureConnect <secureconnect@example.com>}
 * @param ca a PEM file of the CA certificate(s) to trust for STARTTLS/SMTPS instead of the JDK's default trust, or
 *     null
 * @param connectTimeout how long connecting may take
 * @param timeout how long any one read or write on the connection may take
 */
public record MailSettings(
        String host,
        int port,
        MailSecurity security,
        @Nullable String user,
        @Nullable String password,
        String from,
        @Nullable Path ca,
        Duration connectTimeout,
        Duration timeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public MailSettings {
        requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: empty (expected: the SMTP server's name)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        requireNonNull(security, "security");
        if (user != null && user.isEmpty()) {
            throw new IllegalArgumentException("user: empty (expected: a login, or none for no authentication)");
        }
        if (user != null && password == null) {
            throw new IllegalArgumentException("password: none for user " + user + " (expected: a password)");
        }
        if (user == null && password != null) {
            throw new IllegalArgumentException("password: given without a user (expected: a user too)");
        }
        MailAddresses.parse(requireNonNull(from, "from"), "from");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(timeout, "timeout");
    }

    /** A server without authentication or CA file, with the default timeouts. */
    public static MailSettings of(String host, int port, MailSecurity security, String from) {
        return new MailSettings(host, port, security, null, null, from, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT);
    }

    /** These settings logging in as {@code login}. */
    public MailSettings withLogin(String login, String secret) {
        return new MailSettings(host, port, security, login, secret, from, ca, connectTimeout, timeout);
    }

    /** These settings trusting the CA certificate(s) in {@code caFile}. */
    public MailSettings withCa(Path caFile) {
        return new MailSettings(
                host, port, security, user, password, from, requireNonNull(caFile, "caFile"), connectTimeout, timeout);
    }

    /** These settings with other timeouts. */
    public MailSettings withTimeouts(Duration connect, Duration readWrite) {
        return new MailSettings(host, port, security, user, password, from, ca, connect, readWrite);
    }

    /** {@code host:port}, as messages name the server. */
    public String server() {
        return host + ":" + port;
    }

    /** Without the password. */
    @Override
    public String toString() {
        return "MailSettings[host=" + host + ", port=" + port + ", security=" + security + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + ", from=" + from + ", ca="
                + (ca == null ? "default" : ca) + ", connectTimeout=" + connectTimeout + ", timeout=" + timeout + "]";
    }

    private static void requirePositive(Duration value, String name) {
        requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
