package dev.secureconnect.export.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.TestEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS to a receiver whose certificate (for localhost and 127.0.0.1) comes from the test PKI. */
class WebhookTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] SECRET = new byte[32];

    @RegisterExtension
    final WebhookReceiver receiver = WebhookReceiver.https(serverContext());

    @TempDir
    Path dir;

    private static SSLContext serverContext() {
        try {
            char[] password = "changeit".toCharArray();
            KeyStore keys = TestPki.shared().server().keyStore(password);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void postsOverHttpsTrustingTheCaFile() throws Exception {
        Path ca = Files.writeString(
                dir.resolve("ca.pem"),
                Pem.certificates(List.of(TestPki.shared().rootCertificate())),
                StandardCharsets.US_ASCII);
        WebhookSettings settings =
                WebhookSettings.of(receiver.url("/hook"), SECRET).withCa(ca);

        try (WebhookDestination webhook = new WebhookDestination(settings, TestEvents.ORIGIN)) {
            webhook.deliver(TestEvents.events(1, 2));
        }

        assertThat(receiver.take(WAIT).header("X-SecureConnect-Last-Seq")).isEqualTo("2");
    }

    @Test
    void aCertificateOutsideTheDefaultTrustIsRefused() throws Exception {
        WebhookSettings settings = WebhookSettings.of(receiver.url("/hook"), SECRET);

        try (WebhookDestination webhook = new WebhookDestination(settings, TestEvents.ORIGIN)) {
            assertThatThrownBy(() -> webhook.deliver(TestEvents.events(1, 1)))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageStartingWith("webhook " + receiver.url("/hook") + ": TLS failed")
                    .hasMessageNotContaining("\n");
        }
        assertThat(receiver.take(Duration.ofMillis(200))).isNull();
    }

    @Test
    void anUnusableCaFileIsAConfigurationError() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        WebhookSettings settings =
                WebhookSettings.of(receiver.url("/hook"), SECRET).withCa(notPem);

        assertThatThrownBy(() -> new WebhookDestination(settings, TestEvents.ORIGIN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ca: ")
                .hasMessageContaining(notPem.toString());
    }
}
