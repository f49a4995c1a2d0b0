package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.keys;
import static dev.secureconnect.crypto.tls.TlsFixtures.publishCrl;
import static dev.secureconnect.crypto.tls.TlsFixtures.trust;
import static dev.secureconnect.crypto.tls.TlsFixtures.trustWithoutCrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusal;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusals;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real handshakes on 127.0.0.1 between Netty endpoints built by {@link SslContexts}: an appliance listener (server
 * certificate for localhost and 127.0.0.1, ALPN {@code secureconnect/1}) and clients presenting certificates of the
 * test PKI made at test time.
 */
abstract class TlsHandshakeTest {

    /** The provider of the SecureConnect listeners of this run. */
    abstract TlsProvider listenerProvider();

    /** The provider of the SecureConnect clients of this run. */
    abstract TlsProvider clientProvider();

    private static final List<String> ALPN = List.of("secureconnect/1");

    private static TestPki pki;
    private static TestPki.Issued server;

    @TempDir
    Path dir;

    private EventLoopGroup clients;
    private final Refusals serverRefusals = new Refusals();
    private final Refusals clientRefusals = new Refusals();

    @BeforeAll
    static void serverCertificate() {
        pki = TestPki.shared();
        server = pki.server();
    }

    @BeforeEach
    void startClientLoop() {
        clients = new NioEventLoopGroup(1);
    }

    @AfterEach
    void stopClientLoop() {
        assertThat(clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(TlsFixtures.WAIT.toMillis()))
                .as("client event loop stopped")
                .isTrue();
    }

    // ---- the listener accepts its own role ----------------------------------------------------------------------

    @Test
    void applianceIsAcceptedAndItsIdentityReadBack() {
        TestPki.Issued appliance = pki.appliance("SN-TLS-OK");
        try (EchoServer listener = applianceListener()) {
            EchoClient.Outcome client = EchoClient.connect(clients, client(appliance), "localhost", listener.port());

            EchoServer.Handshake seen = listener.nextHandshake();
            assertThat(seen.failure()).as("server-side handshake failure").isNull();
            assertThat(seen.peer()).isEqualTo(CertificateIdentity.appliance("SN-TLS-OK"));
            assertThat(seen.protocol()).isEqualTo("TLSv1.3");
            assertThat(seen.cipherSuite()).isEqualTo("TLS_AES_256_GCM_SHA384");
            assertThat(seen.applicationProtocol()).isEqualTo("secureconnect/1");

            assertThat(client.handshakeFailure()).isNull();
            assertThat(client.echoedPing()).as("echo of %s", client.echoed()).isTrue();
            assertThat(client.server().role()).isEqualTo(CertificateRole.SERVER);
            assertThat(client.server().dnsNames()).contains("localhost");
            assertThat(client.applicationProtocol()).isEqualTo("secureconnect/1");
        }
        assertThat(serverRefusals.drain()).isEmpty();
        assertThat(clientRefusals.drain()).isEmpty();
    }

    @Test
    void tls12ClientGetsEcdheAes256Gcm() {
        TestPki.Issued appliance = pki.appliance("SN-TLS-12");
        try (EchoServer listener = applianceListener()) {
            EchoClient.Outcome client = EchoClient.connect(
                    clients, listener.port(), outsidePolicy(appliance, List.of("TLSv1.2"), TlsPolicy.CIPHER_SUITES));

            EchoServer.Handshake seen = listener.nextHandshake();
            assertThat(seen.failure()).isNull();
            assertThat(seen.protocol()).isEqualTo("TLSv1.2");
            assertThat(seen.cipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
            assertThat(client.echoedPing()).isTrue();
        }
    }

    /**
     * The JDK's listener finds no suite in common and fails the handshake at once. BoringSSL's would take any TLS 1.3
     * suite and pick AES-128-GCM: the listener's ClientHello check refuses the offer before BoringSSL sees it.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void clientOfferingOnlyAes128OrCbcSuitesIsRefused(String protocol) {
        List<String> weakSuites = protocol.equals("TLSv1.3")
                ? List.of("TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256")
                : List.of(
                        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                        "TLS_RSA_WITH_AES_128_GCM_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                        "TLS_RSA_WITH_AES_256_GCM_SHA384");
        TestPki.Issued appliance = pki.appliance("SN-TLS-WEAK-SUITES");
        try (EchoServer listener = applianceListener()) {
            EchoClient.Outcome client = EchoClient.connect(
                    clients, listener.port(), outsidePolicy(appliance, List.of(protocol), weakSuites));

            assertThat(listener.nextHandshake().succeeded()).isFalse();
            assertThat(client.echoedPing())
                    .as("the refused client got no application data")
                    .isFalse();
            if (listenerProvider() == TlsProvider.OPENSSL && protocol.equals("TLSv1.3")) {
                Refusal refusal = serverRefusals.next();
                assertThat(refusal.reason()).isEqualTo(Reason.INVALID);
                assertThat(refusal.message())
                        .contains(
                                "TLS 1.3 offer would get TLS_AES_128_GCM_SHA256",
                                "which the TLS policy does not allow");
                assertThat(client.handshakeSucceeded()).isFalse();
            } else {
                assertThat(client.handshakeSucceeded()).isFalse();
            }
        }
        assertThat(serverRefusals.drain()).isEmpty();
    }

    /**
     * A TLS 1.3 client that lists AES-128-GCM before AES-256-GCM (as Go and BoringSSL clients do): the JDK's listener
     * picks AES-256-GCM from its own list; BoringSSL's would take the client's first choice, which the policy refuses:
     * the ClientHello check refuses the offer before any ServerHello.
     */
    @Test
    void tls13ClientPreferringAes128() {
        TestPki.Issued appliance = pki.appliance("SN-TLS-AES128-FIRST");
        try (EchoServer listener = applianceListener()) {
            EchoClient.Outcome client = EchoClient.connect(
                    clients,
                    listener.port(),
                    outsidePolicy(
                            appliance,
                            List.of("TLSv1.3"),
                            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384")));

            EchoServer.Handshake seen = listener.nextHandshake();
            if (listenerProvider() == TlsProvider.OPENSSL) {
                assertThat(seen.succeeded()).isFalse();
                assertThat(serverRefusals.next().message()).contains("TLS 1.3 offer would get TLS_AES_128_GCM_SHA256");
                assertThat(client.handshakeSucceeded()).isFalse();
                assertThat(client.echoedPing()).isFalse();
            } else {
                assertThat(seen.failure()).isNull();
                assertThat(seen.cipherSuite()).isEqualTo("TLS_AES_256_GCM_SHA384");
                assertThat(client.echoedPing()).isTrue();
            }
        }
    }

    // ---- the listener refuses everything else, and says why ------------------------------------------------------

    static Stream<Arguments> refusedClients() {
        return Stream.of(
                refused("fail/wrong-role-engineer", () -> pki.engineer("tls-eve"), Reason.WRONG_ROLE),
                refused("fail/wrong-role-server", () -> pki.server(), Reason.WRONG_ROLE),
                refused(
                        "fail/revoked",
                        () -> pki.revoked(CertificateIdentity.appliance("SN-TLS-REVOKED")),
                        Reason.REVOKED),
                refused(
                        "fail/expired",
                        () -> pki.expired(CertificateIdentity.appliance("SN-TLS-EXPIRED")),
                        Reason.EXPIRED),
                refused(
                        "fail/not-yet-valid",
                        () -> pki.notYetValid(CertificateIdentity.appliance("SN-TLS-EARLY")),
                        Reason.NOT_YET_VALID),
                refused(
                        "fail/unknown-ca",
                        () -> pki.untrusted(CertificateIdentity.appliance("SN-TLS-ROGUE")),
                        Reason.UNKNOWN_CA),
                refused("fail/rsa-1024", () -> TlsFixtures.weakAppliance(pki, "SN-TLS-WEAK"), Reason.INVALID));
    }

    private static Arguments refused(String name, Supplier<TestPki.Issued> certificate, Reason reason) {
        return Arguments.of(name, certificate, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedClients")
    void applianceListenerRefuses(String name, Supplier<TestPki.Issued> certificate, Reason reason) {
        TestPki.Issued client = certificate.get();
        try (EchoServer listener = applianceListener()) {
            // a client outside the policy: KeyMaterial itself refuses a 1024-bit key
            EchoClient.Outcome outcome = EchoClient.connect(
                    clients, listener.port(), outsidePolicy(client, TlsPolicy.PROTOCOLS, TlsPolicy.CIPHER_SUITES));

            Refusal refusal = serverRefusals.next();
            assertThat(refusal.reason()).as(refusal.message()).isEqualTo(reason);
            assertThat(refusal.subject())
                    .isEqualTo(client.certificate().getSubjectX500Principal().getName());
            assertThat(refusal.peerAddress()).startsWith("127.0.0.1:");
            assertThat(refusal.message()).doesNotContain("\n");
            assertThat(listener.nextHandshake().succeeded()).isFalse();
            assertThat(outcome.echoedPing())
                    .as("the refused client got no application data")
                    .isFalse();
        }
        assertThat(serverRefusals.drain()).as("one report per refusal").isEmpty();
    }

    @Test
    void weakKeyRefusalSaysWhy() {
        TestPki.Issued weak = TlsFixtures.weakAppliance(pki, "SN-TLS-WEAK-2");
        try (EchoServer listener = applianceListener()) {
            EchoClient.connect(
                    clients, listener.port(), outsidePolicy(weak, TlsPolicy.PROTOCOLS, TlsPolicy.CIPHER_SUITES));
            assertThat(serverRefusals.next().message()).contains("RSA 1024 bits", "2048");
        }
    }

    @Test
    void engineerListenerRefusesAppliances() {
        TestPki.Issued appliance = pki.appliance("SN-TLS-ON-ENGINEER-PORT");
        Path crl = publishCrl(dir, pki.revocationList());
        SslContext engineerListener = SslContexts.server(
                keys(server), trust(pki, crl), CertificateRole.ENGINEER, List.of(), serverRefusals, listenerProvider());
        try (EchoServer listener = new EchoServer(engineerListener)) {
            EchoClient.connect(clients, client(appliance), "localhost", listener.port());

            Refusal refusal = serverRefusals.next();
            assertThat(refusal.reason()).isEqualTo(Reason.WRONG_ROLE);
            assertThat(refusal.message())
                    .contains("engineer listener accepts only engineer certificates", "SN-TLS-ON-ENGINEER-PORT");
        }
    }

    @Test
    void engineerListenerRefusesApiClients() {
        TestPki.Issued apiClient = pki.apiClient("tls-splunk");
        Path crl = publishCrl(dir, pki.revocationList());
        SslContext engineerListener = SslContexts.server(
                keys(server), trust(pki, crl), CertificateRole.ENGINEER, List.of(), serverRefusals, listenerProvider());
        try (EchoServer listener = new EchoServer(engineerListener)) {
            EchoClient.connect(clients, client(apiClient), "localhost", listener.port());

            Refusal refusal = serverRefusals.next();
            assertThat(refusal.reason()).isEqualTo(Reason.WRONG_ROLE);
            assertThat(refusal.message())
                    .contains(
                            "engineer listener accepts only engineer certificates",
                            "not the api-client certificate of api-client tls-splunk");
            assertThat(listener.nextHandshake().succeeded()).isFalse();
        }
    }

    @Test
    void apiClientListenerAcceptsApiClientsOnlyAndReadsTheirIdentity() {
        TestPki.Issued apiClient = pki.apiClient("tls-elastic");
        Path crl = publishCrl(dir, pki.revocationList());
        SslContext apiListener = SslContexts.server(
                keys(server),
                trust(pki, crl),
                CertificateRole.API_CLIENT,
                List.of(),
                serverRefusals,
                listenerProvider());
        try (EchoServer listener = new EchoServer(apiListener)) {
            EchoClient.Outcome accepted = EchoClient.connect(clients, client(apiClient), "localhost", listener.port());
            assertThat(accepted.echoedPing()).isTrue();
            assertThat(listener.nextHandshake().peer()).isEqualTo(CertificateIdentity.apiClient("tls-elastic"));

            EchoClient.connect(clients, client(pki.engineer("tls-not-an-api-client")), "localhost", listener.port());
            Refusal refusal = serverRefusals.next();
            assertThat(refusal.reason()).isEqualTo(Reason.WRONG_ROLE);
            assertThat(refusal.message()).contains("api-client listener accepts only api-client certificates");
        }
    }

    // ---- a listener for several roles ----------------------------------------------------------------------------

    static Stream<Arguments> engineerAndApiClientListenerAccepts() {
        return Stream.of(
                Arguments.of(
                        "ok/engineer",
                        (Supplier<TestPki.Issued>) () -> pki.engineer("tls-multi-alice"),
                        TestPki.engineerIdentity("tls-multi-alice")),
                Arguments.of(
                        "ok/api-client",
                        (Supplier<TestPki.Issued>) () -> pki.apiClient("tls-multi-splunk"),
                        CertificateIdentity.apiClient("tls-multi-splunk")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engineerAndApiClientListenerAccepts")
    void listenerForSeveralRolesAcceptsEachOfThem(
            String name, Supplier<TestPki.Issued> certificate, CertificateIdentity identity) {
        try (EchoServer listener = engineerAndApiClientListener()) {
            EchoClient.Outcome client =
                    EchoClient.connect(clients, client(certificate.get()), "localhost", listener.port());

            EchoServer.Handshake seen = listener.nextHandshake();
            assertThat(seen.failure()).as("server-side handshake failure").isNull();
            assertThat(seen.peer()).isEqualTo(identity);
            assertThat(client.echoedPing()).as("echo of %s", client.echoed()).isTrue();
        }
        assertThat(serverRefusals.drain()).isEmpty();
    }

    static Stream<Arguments> engineerAndApiClientListenerRefuses() {
        return Stream.of(
                refused("fail/wrong-role-appliance", () -> pki.appliance("SN-TLS-MULTI"), Reason.WRONG_ROLE),
                refused("fail/wrong-role-server", () -> pki.server(), Reason.WRONG_ROLE),
                refused(
                        "fail/revoked-api-client",
                        () -> pki.revoked(CertificateIdentity.apiClient("tls-multi-revoked")),
                        Reason.REVOKED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engineerAndApiClientListenerRefuses")
    void listenerForSeveralRolesRefusesOthers(String name, Supplier<TestPki.Issued> certificate, Reason reason) {
        TestPki.Issued client = certificate.get();
        try (EchoServer listener = engineerAndApiClientListener()) {
            EchoClient.Outcome outcome = EchoClient.connect(
                    clients, listener.port(), outsidePolicy(client, TlsPolicy.PROTOCOLS, TlsPolicy.CIPHER_SUITES));

            Refusal refusal = serverRefusals.next();
            assertThat(refusal.reason()).as(refusal.message()).isEqualTo(reason);
            if (reason == Reason.WRONG_ROLE) {
                assertThat(refusal.message())
                        .startsWith("the engineer/api-client listener accepts only engineer or api-client certificates,"
                                + " not the ")
                        .doesNotContain("\n");
            }
            assertThat(listener.nextHandshake().succeeded()).isFalse();
            assertThat(outcome.echoedPing())
                    .as("the refused client got no application data")
                    .isFalse();
        }
        assertThat(serverRefusals.drain()).as("one report per refusal").isEmpty();
    }

    // ---- the CRL file is re-read when it changes ----------------------------------------------------------------

    static Stream<Arguments> clientKinds() {
        return Stream.of(
                Arguments.of("policy-client", null),
                Arguments.of("plain-jdk-client-tls13", "TLSv1.3"),
                Arguments.of("plain-jdk-client-tls12", "TLSv1.2"));
    }

    /**
     * The same listener context, the same client context: the second handshake sees the new CRL. The clients keep
     * their session cache and resume the first session, so this also shows that a resumed session is checked
     * against the new CRL.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("clientKinds")
    void crlReplacedOnDiskRefusesTheNextHandshake(String name, String protocol) {
        TestPki.Issued appliance = pki.appliance("SN-TLS-LATER-REVOKED");
        Path crl = publishCrl(dir, pki.revocationList());
        SslContext listenerContext = SslContexts.server(
                keys(server), trust(pki, crl), CertificateRole.APPLIANCE, ALPN, serverRefusals, listenerProvider());
        SslContext policyClient = client(appliance);
        Function<SocketChannel, SslHandler> plainClient =
                protocol == null ? null : outsidePolicy(appliance, List.of(protocol), TlsPolicy.CIPHER_SUITES);
        try (EchoServer listener = new EchoServer(listenerContext)) {
            EchoClient.Outcome first = plainClient == null
                    ? EchoClient.connect(clients, policyClient, "localhost", listener.port())
                    : EchoClient.connect(clients, listener.port(), plainClient);
            assertThat(listener.nextHandshake().succeeded()).isTrue();
            assertThat(first.echoedPing()).isTrue();

            pki.revoke(appliance, RevocationReason.KEY_COMPROMISE);
            publishCrl(dir, pki.revocationList());

            EchoClient.Outcome second = plainClient == null
                    ? EchoClient.connect(clients, policyClient, "localhost", listener.port())
                    : EchoClient.connect(clients, listener.port(), plainClient);
            assertThat(serverRefusals.next().reason()).isEqualTo(Reason.REVOKED);
            assertThat(listener.nextHandshake().succeeded()).isFalse();
            assertThat(second.echoedPing()).isFalse();
        }
    }

    @Test
    void unusableCrlReplacementRefusesEveryoneUntilFixed() {
        TestPki.Issued appliance = pki.appliance("SN-TLS-CRL-BROKEN");
        Path crl = publishCrl(dir, pki.revocationList());
        try (EchoServer listener = applianceListener(crl)) {
            TlsFixtures.write(crl, "-----BEGIN X509 CRL-----\nnot a CRL\n-----END X509 CRL-----\n");

            EchoClient.Outcome refused = EchoClient.connect(clients, client(appliance), "localhost", listener.port());
            Refusal refusal = serverRefusals.next();
            assertThat(refusal.reason()).isEqualTo(Reason.REVOCATION_STATUS_UNKNOWN);
            assertThat(refusal.message()).contains(crl.toString());
            assertThat(refused.echoedPing()).isFalse();
            assertThat(listener.nextHandshake().succeeded()).isFalse();

            publishCrl(dir, pki.revocationList());
            EchoClient.Outcome accepted = EchoClient.connect(clients, client(appliance), "localhost", listener.port());
            assertThat(listener.nextHandshake().succeeded()).isTrue();
            assertThat(accepted.echoedPing()).isTrue();
        }
    }

    // ---- the client checks the server ------------------------------------------------------------------------

    @ParameterizedTest(name = "ok/dial-{0}")
    @ValueSource(strings = {"localhost", "127.0.0.1"})
    void clientAcceptsServerNamedByDnsNameOrIpAddress(String host) {
        TestPki.Issued appliance = pki.appliance("SN-TLS-DIAL");
        try (EchoServer listener = applianceListener()) {
            EchoClient.Outcome client = EchoClient.connect(clients, client(appliance), host, listener.port());

            assertThat(client.handshakeFailure()).isNull();
            assertThat(client.echoedPing()).isTrue();
        }
        assertThat(clientRefusals.drain()).isEmpty();
    }

    static Stream<Arguments> refusedServers() {
        return Stream.of(
                Arguments.of(
                        "fail/other-dns-name",
                        (Supplier<TestPki.Issued>)
                                () -> pki.issue(CertificateIdentity.server(List.of("support.example.net"), List.of())),
                        "localhost",
                        Reason.INVALID),
                Arguments.of(
                        "fail/other-ip-address",
                        (Supplier<TestPki.Issued>)
                                () -> pki.issue(CertificateIdentity.server(List.of(), List.of("10.11.12.13"))),
                        "127.0.0.1",
                        Reason.INVALID),
                Arguments.of(
                        "fail/dns-name-only-dialled-by-ip",
                        (Supplier<TestPki.Issued>)
                                () -> pki.issue(CertificateIdentity.server(List.of("localhost"), List.of())),
                        "127.0.0.1",
                        Reason.INVALID),
                Arguments.of(
                        "fail/appliance-certificate",
                        (Supplier<TestPki.Issued>) () -> pki.appliance("SN-TLS-IMPOSTOR"),
                        "localhost",
                        Reason.WRONG_ROLE),
                Arguments.of(
                        "fail/engineer-certificate",
                        (Supplier<TestPki.Issued>) () -> pki.engineer("tls-impostor"),
                        "localhost",
                        Reason.WRONG_ROLE),
                Arguments.of(
                        "fail/unknown-ca",
                        (Supplier<TestPki.Issued>) () ->
                                pki.untrusted(CertificateIdentity.server(List.of("localhost"), List.of("127.0.0.1"))),
                        "localhost",
                        Reason.UNKNOWN_CA),
                Arguments.of(
                        "fail/expired",
                        (Supplier<TestPki.Issued>) () ->
                                pki.expired(CertificateIdentity.server(List.of("localhost"), List.of("127.0.0.1"))),
                        "localhost",
                        Reason.EXPIRED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedServers")
    void clientRefusesServer(String name, Supplier<TestPki.Issued> serverCertificate, String host, Reason reason) {
        TestPki.Issued appliance = pki.appliance("SN-TLS-CAREFUL");
        Path crl = publishCrl(dir, pki.revocationList());
        SslContext impostor = SslContexts.server(
                keys(serverCertificate.get()),
                trust(pki, crl),
                CertificateRole.APPLIANCE,
                ALPN,
                serverRefusals,
                listenerProvider());
        try (EchoServer listener = new EchoServer(impostor)) {
            EchoClient.Outcome client = EchoClient.connect(clients, client(appliance), host, listener.port());

            assertThat(client.handshakeSucceeded()).isFalse();
            Refusal refusal = clientRefusals.next();
            assertThat(refusal.reason()).as(refusal.message()).isEqualTo(reason);
            assertThat(refusal.peerAddress()).isEqualTo(host + ":" + listener.port());
            if (reason == Reason.INVALID) {
                assertThat(refusal.message()).contains("does not match the host " + host);
            }
            assertThat(listener.nextHandshake().succeeded()).isFalse();
        }
        assertThat(serverRefusals.drain()).isEmpty();
    }

    // ---- misuse ------------------------------------------------------------------------------------------------

    @Test
    void listenerWithoutCrlIsRefused() {
        assertThatThrownBy(() -> SslContexts.server(
                        keys(server),
                        trustWithoutCrl(pki),
                        CertificateRole.APPLIANCE,
                        ALPN,
                        serverRefusals,
                        listenerProvider()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("revocation list");
    }

    @Test
    void listenerForCaRoleIsRefused() {
        Path crl = publishCrl(dir, pki.revocationList());
        assertThatThrownBy(() -> SslContexts.server(
                        keys(server),
                        trust(pki, crl),
                        CertificateRole.ROOT_CA,
                        ALPN,
                        serverRefusals,
                        listenerProvider()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requiredClientRole: root-ca (expected: appliance, engineer, api-client or server)");
    }

    @Test
    void listenerForNoRoleOrACaRoleAmongSeveralIsRefused() {
        Path crl = publishCrl(dir, pki.revocationList());
        assertThatThrownBy(() -> SslContexts.server(
                        keys(server), trust(pki, crl), Set.of(), ALPN, serverRefusals, listenerProvider()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "allowedClientRoles: [] (expected: at least one of appliance, engineer, api-client or server)");
        assertThatThrownBy(() -> SslContexts.server(
                        keys(server),
                        trust(pki, crl),
                        Set.of(CertificateRole.ENGINEER, CertificateRole.ISSUING_CA),
                        ALPN,
                        serverRefusals,
                        listenerProvider()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowedClientRoles: [issuing-ca, engineer] (expected: at least one of appliance, engineer,"
                        + " api-client or server)");
    }

    @Test
    void clientHandlerChecksItsArguments() {
        SslContext client = client(pki.appliance("SN-TLS-ARGS"));
        ByteBufAllocator allocator = UnpooledByteBufAllocator.DEFAULT;
        assertThatThrownBy(() ->
                        SslContexts.clientHandler(client, allocator, "bad host", 443, TlsPolicy.HANDSHAKE_TIMEOUT))
                .hasMessageStartingWith("host: 'bad host'");
        assertThatThrownBy(
                        () -> SslContexts.clientHandler(client, allocator, "localhost", 0, TlsPolicy.HANDSHAKE_TIMEOUT))
                .hasMessage("port: 0 (expected: 1-65535)");
        assertThatThrownBy(() -> SslContexts.clientHandler(client, allocator, "localhost", 443, Duration.ZERO))
                .hasMessageStartingWith("handshakeTimeout: PT0S");

        SslHandler byAddress = SslContexts.clientHandler(client, allocator, "[::1]", 443, Duration.ofSeconds(3));
        assertThat(byAddress.getHandshakeTimeoutMillis()).isEqualTo(3000);
        assertThat(byAddress.engine().getSSLParameters().getEndpointIdentificationAlgorithm())
                .isEqualTo("HTTPS");
        assertThat(byAddress.engine().getSSLParameters().getServerNames())
                .as("no SNI for an address")
                .isNullOrEmpty();
        assertThat(byAddress.engine().getPeerHost()).isEqualTo("::1");

        SslHandler byName = SslContexts.clientHandler(client, allocator, "localhost", 443, TlsPolicy.HANDSHAKE_TIMEOUT);
        assertThat(byName.getHandshakeTimeoutMillis()).isEqualTo(10_000);
        assertThat(byName.engine().getSSLParameters().getServerNames()).containsExactly(new SNIHostName("localhost"));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private EchoServer applianceListener() {
        return applianceListener(publishCrl(dir, pki.revocationList()));
    }

    private EchoServer applianceListener(Path crl) {
        return new EchoServer(
                SslContexts.server(
                        keys(server),
                        trust(pki, crl),
                        CertificateRole.APPLIANCE,
                        ALPN,
                        serverRefusals,
                        listenerProvider()),
                serverRefusals);
    }

    private EchoServer engineerAndApiClientListener() {
        return new EchoServer(SslContexts.server(
                keys(server),
                trust(pki, publishCrl(dir, pki.revocationList())),
                Set.of(CertificateRole.ENGINEER, CertificateRole.API_CLIENT),
                List.of(),
                serverRefusals,
                listenerProvider()));
    }

    /** An appliance's client context as the product builds it: no CRL, server name checked. */
    private SslContext client(TestPki.Issued identity) {
        return SslContexts.client(keys(identity), trustWithoutCrl(pki), ALPN, clientRefusals, clientProvider());
    }

    /**
     * A client outside the policy: Netty's JDK defaults, trusting the test root, with the given protocols and suites
     * and no checks of its own; for keys and suites the policy would not let a SecureConnect client use.
     */
    private static Function<SocketChannel, SslHandler> outsidePolicy(
            TestPki.Issued identity, List<String> protocols, List<String> suites) {
        SslContext context;
        try {
            context = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .keyManager(identity.privateKey(), identity.chain().toArray(X509Certificate[]::new))
                    .trustManager(pki.rootCertificate())
                    .protocols(protocols)
                    .ciphers(suites, IdentityCipherSuiteFilter.INSTANCE)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
        return channel -> context.newHandler(channel.alloc(), "localhost", 0);
    }
}
