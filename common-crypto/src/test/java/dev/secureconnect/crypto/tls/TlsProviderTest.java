package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.keys;
import static dev.secureconnect.crypto.tls.TlsFixtures.publishCrl;
import static dev.secureconnect.crypto.tls.TlsFixtures.trust;
import static dev.secureconnect.crypto.tls.TlsFixtures.trustWithoutCrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusal;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusals;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsProviderTest {

    @TempDir
    Path dir;

    @Test
    void namesAreReadIgnoringCaseAndOthersRefusedWithTheSettingNamed() {
        assertThat(TlsProvider.parse("tls.provider", "auto")).isEqualTo(TlsProvider.AUTO);
        assertThat(TlsProvider.parse("tls.provider", " OpenSSL ")).isEqualTo(TlsProvider.OPENSSL);
        assertThat(TlsProvider.parse("tls.provider", "jdk")).isEqualTo(TlsProvider.JDK);
        assertThat(TlsProvider.OPENSSL.label()).isEqualTo("openssl");
        assertThatThrownBy(() -> TlsProvider.parse("SC_TLS_PROVIDER", "boringssl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SC_TLS_PROVIDER: 'boringssl' (expected: auto, openssl or jdk)");
        assertThatThrownBy(() -> TlsProvider.parse("tls.provider", null))
                .hasMessageStartingWith("tls.provider: 'null'");
    }

    @Test
    void autoIsBoringSslOnListenersAndTheJdkOnClients() {
        assertThat(OpenSsl.isAvailable())
                .as("BoringSSL loads here (cause: %s)", OpenSsl.unavailabilityCause())
                .isTrue();
        assertThat(TlsProvider.AUTO.onListener()).isEqualTo(TlsProvider.OPENSSL);
        assertThat(TlsProvider.AUTO.onClient()).isEqualTo(TlsProvider.JDK);
        TestPki pki = TestPki.shared();
        Path crl = publishCrl(dir, pki.revocationList());
        SslContext listener = SslContexts.server(
                keys(pki.server()), trust(pki, crl), CertificateRole.APPLIANCE, List.of(), new Refusals());
        SslContext client =
                SslContexts.client(keys(pki.appliance("SN-AUTO")), trustWithoutCrl(pki), List.of(), new Refusals());
        assertThat(SslContexts.provider(listener)).isEqualTo(TlsProvider.OPENSSL);
        assertThat(SslContexts.provider(client)).isEqualTo(TlsProvider.JDK);
    }

    /**
     * Why {@code auto} keeps one end on the JDK: BoringSSL cannot be restricted to AES-256 under TLS 1.3, and the
     * BoringSSL client lists AES-128-GCM first, so two BoringSSL ends would negotiate it: the listener's ClientHello
     * check refuses the offer before BoringSSL answers it (without the check, PolicySigner refuses the connection at its
     * first signature): the client never gets a certificate.
     */
    @Test
    void boringSslOnBothEndsNegotiatesAes128AndIsRefused() {
        TestPki pki = TestPki.shared();
        Refusals serverRefusals = new Refusals();
        Refusals clientRefusals = new Refusals();
        Path crl = publishCrl(dir, pki.revocationList());
        SslContext listenerContext = SslContexts.server(
                keys(pki.server()),
                trust(pki, crl),
                CertificateRole.APPLIANCE,
                List.of(),
                serverRefusals,
                TlsProvider.OPENSSL);
        SslContext clientContext = SslContexts.client(
                keys(pki.appliance("SN-BORING-BOTH")),
                trustWithoutCrl(pki),
                List.of(),
                clientRefusals,
                TlsProvider.OPENSSL);
        EventLoopGroup clients = new NioEventLoopGroup(1);
        try (EchoServer listener = new EchoServer(listenerContext, serverRefusals)) {
            EchoClient.Outcome outcome = EchoClient.connect(clients, clientContext, "localhost", listener.port());

            assertThat(outcome.handshakeSucceeded()).isFalse();
            Refusal refusal = serverRefusals.next();
            assertThat(refusal.reason()).isEqualTo(Reason.INVALID);
            assertThat(refusal.message()).contains("TLS 1.3 offer would get TLS_AES_128_GCM_SHA256");
            assertThat(listener.nextHandshake().succeeded()).isFalse();
            assertThat(clientRefusals.drain()).isEmpty();
        } finally {
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(TlsFixtures.WAIT.toMillis());
        }
    }
}
