package dev.secureconnect.export.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.TestEvents;
import dev.secureconnect.export.format.MessageFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSyslogDestinationTest {

    private static final TestPki PKI = TestPki.shared();
    private static final char[] PASSWORD = "test".toCharArray();

    @TempDir
    Path dir;

    @Test
    void sendsOverTlsPresentingTheClientCertificate() throws Exception {
        try (FrameReceiver receiver = FrameReceiver.tls(receiverContext(PKI.server()), true);
                SyslogDestination destination =
                        new SyslogDestination(settings(receiver.port(), true), TestEvents.ORIGIN)) {
            destination.deliver(List.of(TestEvents.withSeq(1), TestEvents.nasty()));

            assertThat(receiver.take(2))
                    .containsExactly(
                            MessageFormat.CEF.syslogMessage(TestEvents.withSeq(1), TestEvents.ORIGIN, 13),
                            MessageFormat.CEF.syslogMessage(TestEvents.nasty(), TestEvents.ORIGIN, 13));
            assertThat(receiver.clientSubject()).contains("CN=Test Engineer syslog-client");
            assertThat(destination.describe()).isEqualTo("syslog tls 127.0.0.1:" + receiver.port() + " cef");
        }
    }

    @Test
    void reconnectsOverTlsAfterTheReceiverClosed() throws Exception {
        try (FrameReceiver receiver = FrameReceiver.tls(receiverContext(PKI.server()), false);
                SyslogDestination destination =
                        new SyslogDestination(settings(receiver.port(), false), TestEvents.ORIGIN)) {
            destination.deliver(List.of(TestEvents.withSeq(1)));
            assertThat(receiver.take(1)).hasSize(1);

            receiver.dropConnections();
            destination.deliver(List.of(TestEvents.withSeq(2)));

            assertThat(receiver.take(1).get(0)).contains("seq=2 ");
            assertThat(receiver.connectionsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void receiverWithACertificateFromAnotherCaIsNotTrusted() throws Exception {
        TestPki.Issued stranger = PKI.untrusted(CertificateIdentity.server(List.of("localhost"), List.of("127.0.0.1")));
        try (FrameReceiver receiver = FrameReceiver.tls(receiverContext(stranger), false);
                SyslogDestination destination =
                        new SyslogDestination(settings(receiver.port(), false), TestEvents.ORIGIN)) {
            assertThatThrownBy(() -> destination.deliver(List.of(TestEvents.streamOpened())))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageStartingWith("TLS handshake with 127.0.0.1:" + receiver.port()
                            + " failed: the receiver's certificate is not trusted")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void receiverWhoseCertificateDoesNotNameTheAddressIsRefused() throws Exception {
        TestPki.Issued elsewhere =
                PKI.issue(CertificateIdentity.server(List.of("syslog.example"), List.of("192.0.2.1")));
        try (FrameReceiver receiver = FrameReceiver.tls(receiverContext(elsewhere), false);
                SyslogDestination destination =
                        new SyslogDestination(settings(receiver.port(), false), TestEvents.ORIGIN)) {
            assertThatThrownBy(() -> destination.deliver(List.of(TestEvents.streamOpened())))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageStartingWith("TLS handshake with 127.0.0.1:" + receiver.port()
                            + " failed: the receiver's certificate does not name the host dialled");
        }
    }

    @Test
    void unreadableCaFileIsReportedWithItsName() throws Exception {
        Path missing = dir.resolve("missing-ca.pem");
        SyslogSettings settings = new SyslogSettings(
                SyslogTransport.TLS,
                "127.0.0.1",
                6514,
                MessageFormat.CEF,
                13,
                missing,
                null,
                null,
                Duration.ofSeconds(2),
                Duration.ofSeconds(2));
        try (SyslogDestination destination = new SyslogDestination(settings, TestEvents.ORIGIN)) {
            assertThatThrownBy(() -> destination.deliver(List.of(TestEvents.streamOpened())))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageStartingWith("TLS set-up for 127.0.0.1:6514 failed: ")
                    .hasMessageContaining("missing-ca.pem");
        }
    }

    private SyslogSettings settings(int port, boolean clientCertificate) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), Pem.certificates(List.of(PKI.rootCertificate())));
        Path certificate = null;
        Path key = null;
        if (clientCertificate) {
            TestPki.Issued client = PKI.engineer("syslog-client");
            certificate = Files.writeString(dir.resolve("client.pem"), Pem.certificates(client.chain()));
            key = Files.writeString(dir.resolve("client.key"), Pem.privateKey(client.privateKey()));
        }
        return new SyslogSettings(
                SyslogTransport.TLS,
                "127.0.0.1",
                port,
                MessageFormat.CEF,
                13,
                ca,
                certificate,
                key,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5));
    }

    /** A receiver's TLS: {@code identity}'s key and chain; trusts the test PKI's root for client certificates. */
    private static SSLContext receiverContext(TestPki.Issued identity) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity.keyStore(PASSWORD), PASSWORD);
        KeyStore roots = KeyStore.getInstance("PKCS12");
        roots.load(null, null);
        roots.setCertificateEntry("root", PKI.rootCertificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(roots);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
