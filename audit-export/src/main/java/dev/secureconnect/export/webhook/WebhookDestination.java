package dev.secureconnect.export.webhook;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.Destination;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.export.ReceiverTrust;
import dev.secureconnect.export.format.JsonEventFormat;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts events to an HTTP(S) webhook, up to {@value #MAX_BATCH} per request, as
 * {@code {"events":[…]}} ({@code application/json}, oldest first, each event as {@link JsonEventFormat} writes it).
 *
 * <p><b>Headers.</b>
 * <ul>
 *   <li>{@code X-SecureConnect-Timestamp}: when the request was signed, in Unix seconds;</li>
 *   <li>{@code X-SecureConnect-Signature}: {@code sha256=} and the lower-case hex HMAC-SHA256, keyed with the shared
 *       secret, of the timestamp (as sent, in ASCII), a full stop, and the request body exactly as received;</li>
 *   <li>{@code X-SecureConnect-First-Seq}, {@code X-SecureConnect-Last-Seq}: the sequence numbers of the first and
 *       last event in the body;</li>
 *   <li>{@code User-Agent: SecureConnect/<version>}.</li>
 * </ul>
 *
 * <p><b>Verifying a request.</b> The receiver computes {@code HMAC-SHA256(secret, timestamp + "." + rawBody)} over the
 * raw bytes (before any JSON parsing), compares its hex form with the signature header in constant time (e.g.
 * {@code MessageDigest.isEqual}, {@code hmac.compare_digest}), and rejects the request when they differ. To reject
 * replays it also refuses a timestamp more than a few minutes from its own clock (five minutes is usual); within that
 * window a replayed request only repeats events the receiver already has, which it drops by {@code seq} as it drops
 * the duplicates that at-least-once delivery produces anyway.
 *
 * <p><b>Outcome.</b> Only a 2xx answer delivers the batch. Redirects are not followed (a 3xx fails: configure the
 * final address); a 4xx or 5xx fails with the status and the start of the answer's body; a refused connection, a
 * failed TLS handshake or no complete answer within {@link WebhookSettings#requestTimeout()} fails with a one-line
 * reason. The server retries a failed batch later, so the receiver may see it again.
 */
public final class WebhookDestination implements Destination {

    /** The most events in one request. */
    public static final int MAX_BATCH = 100;

    /** How much of a failed answer's body is quoted in the error. */
    static final int QUOTED_BODY_CHARS = 200;

    private static final Logger log = LoggerFactory.getLogger(WebhookDestination.class);

    private final WebhookSettings settings;
    private final ExportOrigin origin;
    private final Clock clock;
    private final String address;
    private final HttpClient client;

    /**
     * @throws IllegalArgumentException when the CA file cannot be used
     */
    public WebhookDestination(WebhookSettings settings, ExportOrigin origin) {
        this(settings, origin, Clock.systemUTC());
    }

    WebhookDestination(WebhookSettings settings, ExportOrigin origin, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.origin = requireNonNull(origin, "origin");
        this.clock = requireNonNull(clock, "clock");
        this.address = WebhookAddress.display(settings.url());
        boolean https = settings.url().getScheme().equalsIgnoreCase("https");
        this.client = HttpClient.newBuilder()
                .version(https ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .sslContext(ReceiverTrust.sslContext(settings.ca()))
                .sslParameters(WebhookTls.parameters())
                .build();
    }

    @Override
    public void deliver(List<ExportedEvent> events) throws DeliveryException {
        Destination.requireEvents(events);
        byte[] body = JsonEventFormat.batch(events, origin).getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        long firstSeq = events.get(0).seq();
        long lastSeq = events.get(events.size() - 1).seq();
        HttpRequest request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "SecureConnect/" + origin.productVersion())
                .header("X-SecureConnect-Timestamp", Long.toString(timestamp))
                .header("X-SecureConnect-Signature", WebhookSignature.sign(settings.secret(), timestamp, body))
                .header("X-SecureConnect-First-Seq", Long.toString(firstSeq))
                .header("X-SecureConnect-Last-Seq", Long.toString(lastSeq))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response = send(request);
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new DeliveryException("webhook " + address + " answered " + HttpStatusText.of(status)
                    + (status / 100 == 3 ? " (redirects are not followed: configure the final address)" : "")
                    + quote(response.body()));
        }
        log.debug("webhook {} accepted events {}..{} ({} bytes)", address, firstSeq, lastSeq, body.length);
    }

    /** Sends and waits at most the request timeout for the whole answer, body included. */
    private HttpResponse<String> send(HttpRequest request) throws DeliveryException {
        CompletableFuture<HttpResponse<String>> answer =
                client.sendAsync(request, info -> new BoundedBody(QUOTED_BODY_CHARS * 4));
        try {
            return answer.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw noAnswer(e);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new DeliveryException("webhook " + address + ": interrupted while waiting for the answer", e);
        } catch (ExecutionException e) {
            throw failed(e.getCause() == null ? e : e.getCause());
        }
    }

    private DeliveryException noAnswer(Exception cause) {
        return new DeliveryException(
                "webhook " + address + " did not answer within " + settings.requestTimeout(), cause);
    }

    private DeliveryException failed(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new DeliveryException(
                    "webhook " + address + ": no connection within " + settings.connectTimeout(), cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return noAnswer((Exception) cause);
        }
        if (cause instanceof ConnectException) {
            return new DeliveryException("webhook " + address + ": connection refused" + detail(cause), cause);
        }
        if (cause instanceof SSLException) {
            return new DeliveryException("webhook " + address + ": TLS failed" + detail(cause), cause);
        }
        if (cause instanceof IOException) {
            return new DeliveryException("webhook " + address + ": " + OneLine.reason(cause), cause);
        }
        return new DeliveryException("webhook " + address + ": " + OneLine.folded(String.valueOf(cause)), cause);
    }

    /** {@code ": <the innermost message>"}, or nothing when no exception in the chain has one. */
    private static String detail(Throwable cause) {
        String message = null;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message == null ? "" : ": " + OneLine.folded(message);
    }

    private static String quote(String body) {
        String text = OneLine.folded(body == null ? "" : body);
        if (text.isEmpty()) {
            return "";
        }
        return ": " + (text.length() > QUOTED_BODY_CHARS ? text.substring(0, QUOTED_BODY_CHARS) + "…" : text);
    }

    /** {@value #MAX_BATCH}. */
    @Override
    public int maxBatch() {
        return MAX_BATCH;
    }

    /** {@code webhook https://host/path}: no user info, no query (they may hold secrets). */
    @Override
    public String describe() {
        return "webhook " + address;
    }

    /** Nothing to close: the JDK client's idle connections time out by themselves (it is closeable from Java 21). */
    @Override
    public void close() {}
}
