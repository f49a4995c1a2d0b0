package dev.secureconnect.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.export.format.MessageFormat;
import dev.secureconnect.export.syslog.SyslogDestination;
import dev.secureconnect.export.syslog.SyslogSettings;
import dev.secureconnect.export.syslog.SyslogTransport;
import dev.secureconnect.export.webhook.WebhookDestination;
import dev.secureconnect.export.webhook.WebhookSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every export transport dials with SecureConnect's one TLS policy: a receiver that offers only AES-128 suites, or
 * whose certificate the test PKI's real issuing CA signed with SHA-1, is refused by syslog over TLS, the webhook and
 * the mail transport's socket factory alike; the same receiver with AES-256 and a SHA-256 certificate is let in.
 */
class ExportTlsPolicyTest {

    private static final TestPki PKI = TestPki.shared();
    private static final char[] PASSWORD = "test".toCharArray();
    private static final CertificateIdentity LOCALHOST =
            CertificateIdentity.server(List.of("localhost"), List.of("127.0.0.1"));
    private static final String[] AES_128 = {"TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
    private static final String[] AES_256 = {"TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"};

    @TempDir
    Path dir;

    private Path ca;

    @BeforeEach
    void caFile() throws IOException {
        ca = Files.writeString(dir.resolve("ca.pem"), Pem.certificates(List.of(PKI.rootCertificate())));
    }

    static Stream<Arguments> weakReceivers() {
        return Stream.of(
                Arguments.of("aes128-only", PKI.issue(LOCALHOST), AES_128),
                Arguments.of("sha1-signed-certificate", PKI.weaklySigned(LOCALHOST, "SHA1withRSA"), AES_256),
                Arguments.of("sha224-signed-certificate", PKI.weaklySigned(LOCALHOST, "SHA224withRSA"), AES_256));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weakReceivers")
    void syslogOverTlsRefusesTheReceiver(String name, TestPki.Issued identity, String[] suites) throws Exception {
        try (Receiver receiver = new Receiver(identity, suites);
                SyslogDestination syslog = new SyslogDestination(
                        new SyslogSettings(
                                SyslogTransport.TLS,
                                "127.0.0.1",
                                receiver.port(),
                                MessageFormat.CEF,
                                13,
                                ca,
                                null,
                                null,
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(5)),
                        TestEvents.ORIGIN)) {
            assertThatThrownBy(() -> syslog.deliver(List.of(TestEvents.streamOpened())))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageStartingWith("TLS handshake with 127.0.0.1:" + receiver.port() + " failed");
            assertThat(receiver.handshakeSucceeded()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weakReceivers")
    void webhookRefusesTheReceiver(String name, TestPki.Issued identity, String[] suites) throws Exception {
        try (Receiver receiver = new Receiver(identity, suites);
                WebhookDestination webhook = new WebhookDestination(
                        WebhookSettings.of(URI.create("https://127.0.0.1:" + receiver.port() + "/hook"), new byte[32])
                                .withCa(ca),
                        TestEvents.ORIGIN)) {
            assertThatThrownBy(() -> webhook.deliver(TestEvents.events(1, 1))).isInstanceOf(DeliveryException.class);
            assertThat(receiver.handshakeSucceeded()).isFalse();
        }
    }

    /** The factory the mail transport is given ({@code mail.smtp.ssl.socketFactory}, for SMTPS and STARTTLS). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("weakReceivers")
    void mailSocketFactoryRefusesTheReceiver(String name, TestPki.Issued identity, String[] suites) throws Exception {
        try (Receiver receiver = new Receiver(identity, suites);
                SSLSocket socket = (SSLSocket) ReceiverTrust.socketFactory(ca, null)
                        .createSocket(InetAddress.getLoopbackAddress(), receiver.port())) {
            socket.setSoTimeout(5_000);
            assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);
            assertThat(receiver.handshakeSucceeded()).isFalse();
        }
    }

    @Test
    void aReceiverWithinThePolicyIsLetIn() throws Exception {
        try (Receiver receiver = new Receiver(PKI.issue(LOCALHOST), AES_256)) {
            try (SSLSocket socket = (SSLSocket) ReceiverTrust.socketFactory(ca, null)
                    .createSocket(InetAddress.getLoopbackAddress(), receiver.port())) {
                socket.setSoTimeout(5_000);
                socket.startHandshake();
                assertThat(socket.getSession().getCipherSuite()).isIn((Object[]) AES_256);
            }
            assertThat(receiver.handshakeSucceeded()).isTrue();
        }
    }

    /** A TLS receiver on 127.0.0.1 that completes (or fails) the handshake of each connection and closes it. */
    private static final class Receiver implements AutoCloseable {

        private final SSLServerSocket server;
        private final BlockingQueue<Boolean> handshakes = new LinkedBlockingQueue<>();

        Receiver(TestPki.Issued identity, String[] suites) throws Exception {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity.keyStore(PASSWORD), PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            server = (SSLServerSocket)
                    context.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
            server.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            server.setEnabledCipherSuites(suites);
            Thread accept = new Thread(this::serve, "export-tls-policy-receiver");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            for (int i = 0; i < 20 && !server.isClosed(); i++) {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.setSoTimeout(5_000);
                    try {
                        socket.startHandshake();
                        // TLS 1.3: a client that refuses the certificate says so after the server's flight
                        socket.getInputStream().read();
                        handshakes.add(socket.getSession().isValid());
                    } catch (IOException e) {
                        handshakes.add(false);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        /** Whether the first connection's handshake succeeded, as the receiver saw it. */
        boolean handshakeSucceeded() throws InterruptedException {
            Boolean succeeded = handshakes.poll(10, TimeUnit.SECONDS);
            assertThat(succeeded)
                    .as("the receiver saw a connection within 10 s")
                    .isNotNull();
            return succeeded;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
