package dev.secureconnect.export.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.TestEvents;
import dev.secureconnect.export.format.JsonEventFormat;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WebhookDestinationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] SECRET = "a-webhook-secret-of-32-bytes-!!!".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2025-02-01T12:00:00Z");

    @RegisterExtension
    final WebhookReceiver receiver = WebhookReceiver.http();

    private WebhookDestination destination(URI url, Duration requestTimeout) {
        WebhookSettings settings = WebhookSettings.of(url, SECRET).withTimeouts(Duration.ofSeconds(5), requestTimeout);
        return new WebhookDestination(settings, TestEvents.ORIGIN, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void postsTheBatchSignedWithTheSharedSecret() throws Exception {
        try (WebhookDestination webhook = destination(receiver.url("/hooks/sc"), WAIT)) {
            webhook.deliver(TestEvents.events(7, 9));
        }

        WebhookReceiver.Received request = receiver.take(WAIT);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hooks/sc");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("User-Agent")).isEqualTo("SecureConnect/0.1.0");
        assertThat(request.header("X-SecureConnect-First-Seq")).isEqualTo("7");
        assertThat(request.header("X-SecureConnect-Last-Seq")).isEqualTo("9");
        String timestamp = request.header("X-SecureConnect-Timestamp");
        assertThat(timestamp).isEqualTo(Long.toString(NOW.getEpochSecond()));

        // the receiver's side of the scheme, computed here independently of WebhookSignature
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body()));
        assertThat(request.header("X-SecureConnect-Signature")).isEqualTo(expected);

        JsonNode body = new ObjectMapper().readTree(request.body());
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.get("events")).hasSize(3);
        assertThat(body.get("events").get(0).get("seq").asLong()).isEqualTo(7);
        assertThat(body.get("events").get(2).get("seq").asLong()).isEqualTo(9);
        assertThat(body.get("events").get(1).get("event").asText()).isEqualTo("stream.opened");
        assertThat(new String(request.body(), StandardCharsets.UTF_8))
                .isEqualTo(JsonEventFormat.batch(TestEvents.events(7, 9), TestEvents.ORIGIN))
                .contains(JsonEventFormat.line(TestEvents.withSeq(7), TestEvents.ORIGIN));
    }

    @Test
    void aServerErrorFailsWithTheStatusAndTheStartOfTheAnswer() {
        receiver.answer(WebhookReceiver.status(500, "database down\nretry later " + "x".repeat(500)));

        try (WebhookDestination webhook = destination(receiver.url("/hooks/sc"), WAIT)) {
            assertThatThrownBy(() -> webhook.deliver(TestEvents.events(1, 1)))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageStartingWith("webhook " + receiver.url("/hooks/sc")
                            + " answered 500 Internal Server Error: database down retry later xxx")
                    .hasMessageNotContaining("\n")
                    .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(320));
        }
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        receiver.answer(WebhookReceiver.status(302, ""));

        try (WebhookDestination webhook = destination(receiver.url("/old"), WAIT)) {
            assertThatThrownBy(() -> webhook.deliver(TestEvents.events(1, 2)))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageContaining("answered 302 Found (redirects are not followed");
        }
        assertThat(receiver.take(WAIT).path()).isEqualTo("/old");
        assertThat(receiver.take(Duration.ofMillis(200))).isNull();
    }

    @Test
    void aReceiverThatHangsFailsWithinTheRequestTimeout() {
        receiver.answer(receiver.hang());
        Duration requestTimeout = Duration.ofMillis(500);

        long started = System.nanoTime();
        try (WebhookDestination webhook = destination(receiver.url("/slow"), requestTimeout)) {
            assertThatThrownBy(() -> webhook.deliver(TestEvents.events(1, 1)))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessage("webhook " + receiver.url("/slow") + " did not answer within PT0.5S");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aRefusedConnectionFailsInOneLine() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/hook");

        try (WebhookDestination webhook = destination(url, WAIT)) {
            assertThatThrownBy(() -> webhook.deliver(TestEvents.events(1, 1)))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageStartingWith("webhook http://127.0.0.1:" + closedPort + "/hook: connection refused")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void neitherTheDescriptionNorTheSettingsShowSecrets() {
        URI url = URI.create("https://svc:hunter2@siem.example.com:8443/hooks/sc?token=t0ps3cret");
        WebhookSettings settings = WebhookSettings.of(url, SECRET);

        try (WebhookDestination webhook = new WebhookDestination(settings, TestEvents.ORIGIN)) {
            assertThat(webhook.describe()).isEqualTo("webhook https://siem.example.com:8443/hooks/sc");
            assertThat(webhook.maxBatch()).isEqualTo(100);
        }
        assertThat(settings.toString())
                .doesNotContain("hunter2")
                .doesNotContain("t0ps3cret")
                .doesNotContain(new String(SECRET, StandardCharsets.US_ASCII));
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> WebhookSettings.of(URI.create("ftp://example.com/"), SECRET))
                .hasMessage("url: ftp://example.com/ (expected: https://… or http://…)");
        assertThatThrownBy(() -> WebhookSettings.of(URI.create("https://example.com/"), new byte[8]))
                .hasMessage("secret: 8 bytes (expected: at least 16)");
        assertThatThrownBy(() -> WebhookSettings.of(URI.create("https://example.com/"), SECRET)
                        .withTimeouts(Duration.ZERO, WAIT))
                .hasMessage("connectTimeout: PT0S (expected: > 0)");
    }
}
