package dev.secureconnect.export.webhook;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where and how a {@link WebhookDestination} posts.
 *
 * @param url the receiver, {@code https://siem.example.com/hooks/secureconnect} ({@code http} only for a receiver on
 *     a network you trust: the events then travel in clear, though still signed)
 * @param secret the HMAC-SHA256 key shared with the receiver, at least 16 bytes; copied, never logged and never in
 *     {@link #toString()}
 * @param ca a PEM file of the CA certificate(s) to trust for {@code https} instead of the JDK's default trust, or null
 * @param connectTimeout how long a connection may take
 * @param requestTimeout how long the whole request may take, answer included: a receiver that hangs fails then
 */
public record WebhookSettings(
        URI url, byte[] secret, @Nullable Path ca, Duration connectTimeout, Duration requestTimeout) {

    /** The shortest HMAC key accepted. */
    static final int MIN_SECRET_BYTES = 16;

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public WebhookSettings {
        requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException(
                    "url: " + WebhookAddress.display(url) + " (expected: https://… or http://…)");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("url: " + WebhookAddress.display(url) + " (expected: a host name)");
        }
        requireNonNull(secret, "secret");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "secret: " + secret.length + " bytes (expected: at least " + MIN_SECRET_BYTES + ")");
        }
        secret = secret.clone();
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
    }

    /** Settings with the JDK's default trust and the default timeouts. */
    public static WebhookSettings of(URI url, byte[] secret) {
        return new WebhookSettings(url, secret, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /** These settings trusting the CA certificate(s) in {@code caFile}. */
    public WebhookSettings withCa(Path caFile) {
        return new WebhookSettings(url, secret, requireNonNull(caFile, "caFile"), connectTimeout, requestTimeout);
    }

    /** These settings with other timeouts. */
    public WebhookSettings withTimeouts(Duration connect, Duration request) {
        return new WebhookSettings(url, secret, ca, connect, request);
    }

    /** A copy of the key. */
    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookSettings that
                && url.equals(that.url)
                && Arrays.equals(secret, that.secret)
                && java.util.Objects.equals(ca, that.ca)
                && connectTimeout.equals(that.connectTimeout)
                && requestTimeout.equals(that.requestTimeout);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(url, Arrays.hashCode(secret), ca, connectTimeout, requestTimeout);
    }

    /** Without the secret, and without the URL's query and user info, which may hold secrets too. */
    @Override
    public String toString() {
        return "WebhookSettings[url=" + WebhookAddress.display(url) + ", secret=***, ca="
                + (ca == null ? "default" : ca) + ", connectTimeout=" + connectTimeout + ", requestTimeout="
                + requestTimeout + "]";
    }

    private static void requirePositive(Duration timeout, String name) {
        requireNonNull(timeout, name);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + ": " + timeout + " (expected: > 0)");
        }
    }
}
