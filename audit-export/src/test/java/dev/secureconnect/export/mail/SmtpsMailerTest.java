package dev.secureconnect.export.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.ServerSetup;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.export.DeliveryException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTPS against GreenMail serving a certificate of the test PKI for localhost and 127.0.0.1. GreenMail's bundled
 * self-signed certificate names no host (no subject alternative name, CN "GreenMail selfsigned Test Certificate"),
 * so it cannot pass the server identity check this mailer insists on; GreenMail is given the test PKI's key store
 * instead, through its {@code greenmail.tls.keystore.file} property, read once per JVM.
 */
class SmtpsMailerTest {

    private static final char[] KEY_STORE_PASSWORD = "changeit".toCharArray();

    static {
        try {
            Path keyStore = Files.createTempFile("greenmail-", ".p12");
            keyStore.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(keyStore)) {
                TestPki.shared().server().keyStore(KEY_STORE_PASSWORD).store(out, KEY_STORE_PASSWORD);
            }
            System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY, keyStore.toString());
            System.setProperty(
                    DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY, new String(KEY_STORE_PASSWORD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final GreenMailExtension SMTPS =
            new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));

    @TempDir
    Path dir;

    private MailSettings settings(String host) {
        return MailSettings.of(host, SMTPS.getSmtps().getPort(), MailSecurity.SMTPS, "sc@example.com")
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private Path caFile() throws IOException {
        return Files.writeString(
                dir.resolve("ca.pem"),
                Pem.certificates(List.of(TestPki.shared().rootCertificate())),
                StandardCharsets.US_ASCII);
    }

    @Test
    void sendsOverSmtpsTrustingTheCaFile() throws Exception {
        new SmtpMailer(settings("localhost").withCa(caFile()))
                .send(MailMessage.text(List.of("soc@example.com"), "over TLS", "text"));

        assertThat(SMTPS.getReceivedMessages()).hasSize(1);
        assertThat(SMTPS.getReceivedMessages()[0].getSubject()).isEqualTo("over TLS");
    }

    @Test
    void aCertificateOutsideTheDefaultTrustIsRefused() {
        SmtpMailer mailer = new SmtpMailer(settings("localhost"));

        assertThatThrownBy(() -> mailer.send(MailMessage.text(List.of("soc@example.com"), "s", "t")))
                .isInstanceOf(DeliveryException.class)
                .hasMessageStartingWith(
                        "TLS with SMTP server localhost:" + SMTPS.getSmtps().getPort() + " failed: ")
                .hasMessageNotContaining("\n");
        assertThat(SMTPS.getReceivedMessages()).isEmpty();
    }
}
