package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.keys;
import static dev.secureconnect.crypto.tls.TlsFixtures.publishCrl;
import static dev.secureconnect.crypto.tls.TlsFixtures.trust;
import static dev.secureconnect.crypto.tls.TlsFixtures.trustWithoutCrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusals;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS session resumption across a listener's restart: a listener on BoringSSL that seals its tickets with keys given
 * to it ({@link SslContexts#useSessionTicketKeys}) resumes, after a "restart" (a new context on the same port, nothing
 * shared in memory but the keys), a session a JDK client made with the listener before it; the resumed session is
 * checked like a new one (CRL, role). Real sockets on 127.0.0.1.
 */
class SessionResumptionTest {

    private static final List<String> ALPN = List.of("secureconnect/1");
    private static final Duration LIFETIME = Duration.ofHours(24);

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

    @Test
    void boringSslListenerResumesAfterARestartWithTheSameKeysAndChecksTheCrlAgain() {
        TestPki.Issued appliance = pki.appliance("SN-RESUME-RESTART");
        Path crl = publishCrl(dir, pki.revocationList());
        List<SessionTicketKey> keys = List.of(SessionTicketKey.generate(Instant.now()));
        SslContext client = client(appliance);

        int port;
        try (EchoServer before = new EchoServer(listener(crl, Set.of(CertificateRole.APPLIANCE), keys))) {
            port = before.port();
            EchoClient.Outcome first = EchoClient.connect(clients, client, "localhost", port);
            assertThat(first.echoedPing()).isTrue();
            assertThat(before.nextHandshake().resumed()).as("first handshake").isFalse();
        }
        try (EchoServer after = new EchoServer(listener(crl, Set.of(CertificateRole.APPLIANCE), keys), port)) {
            EchoClient.Outcome resumed = EchoClient.connect(clients, client, "localhost", port);
            EchoServer.Handshake seen = after.nextHandshake();
            assertThat(seen.failure()).isNull();
            assertThat(seen.resumed()).as("resumed after the restart").isTrue();
            assertThat(seen.peer()).isEqualTo(CertificateIdentity.appliance("SN-RESUME-RESTART"));
            assertThat(seen.protocol()).isEqualTo("TLSv1.3");
            assertThat(seen.cipherSuite()).isEqualTo("TLS_AES_256_GCM_SHA384");
            assertThat(seen.applicationProtocol()).isEqualTo("secureconnect/1");
            assertThat(resumed.echoedPing()).isTrue();

            pki.revoke(appliance, RevocationReason.KEY_COMPROMISE);
            publishCrl(dir, pki.revocationList());
            EchoClient.Outcome revoked = EchoClient.connect(clients, client, "localhost", port);

            assertThat(serverRefusals.next().reason()).isEqualTo(Reason.REVOKED);
            assertThat(after.nextHandshake().succeeded()).isFalse();
            assertThat(revoked.echoedPing())
                    .as("the revoked appliance got no data through")
                    .isFalse();
        }
        assertThat(clientRefusals.drain()).isEmpty();
    }

    /** Keys rotate: a ticket opens while its key is kept (now second), and no longer once it is dropped. */
    @Test
    void aTicketResumesWhileItsKeyIsKeptAndNotAfter() {
        TestPki.Issued appliance = pki.appliance("SN-RESUME-ROTATE");
        Path crl = publishCrl(dir, pki.revocationList());
        Instant now = Instant.now();
        SessionTicketKey first = SessionTicketKey.generate(now);
        SessionTicketKey second = SessionTicketKey.generate(now.plus(LIFETIME));
        SessionTicketKey third = SessionTicketKey.generate(now.plus(LIFETIME.multipliedBy(2)));
        SslContext client = client(appliance);

        int port = handshake(client, 0, List.of(first));
        assertThat(resumedOn(client, port, List.of(second, first)))
                .as("the first key, kept as the second")
                .isTrue();
        // the resumption above was answered with a ticket sealed with the second key, which the third rotation keeps
        assertThat(resumedOn(client, port, List.of(third, second))).isTrue();
        assertThat(resumedOn(client, port, List.of(SessionTicketKey.generate(now))))
                .as("keys all replaced")
                .isFalse();
    }

    /** A session made on a listener for engineers does not get into the appliance listener by resumption. */
    @Test
    void theRoleIsCheckedAgainOnResumption() {
        TestPki.Issued engineer = pki.engineer("resume-alice");
        Path crl = publishCrl(dir, pki.revocationList());
        List<SessionTicketKey> keys = List.of(SessionTicketKey.generate(Instant.now()));
        SslContext client = client(engineer);

        int port;
        try (EchoServer engineers = new EchoServer(listener(crl, Set.of(CertificateRole.ENGINEER), keys))) {
            port = engineers.port();
            assertThat(EchoClient.connect(clients, client, "localhost", port).echoedPing())
                    .isTrue();
            assertThat(engineers.nextHandshake().succeeded()).isTrue();
        }
        try (EchoServer appliances = new EchoServer(listener(crl, Set.of(CertificateRole.APPLIANCE), keys), port)) {
            EchoClient.Outcome outcome = EchoClient.connect(clients, client, "localhost", port);

            assertThat(serverRefusals.next().reason()).isEqualTo(Reason.WRONG_ROLE);
            assertThat(appliances.nextHandshake().succeeded()).isFalse();
            assertThat(outcome.echoedPing()).isFalse();
        }
    }

    /** The JDK's listener keeps its ticket key to itself: after a restart its clients make a full handshake. */
    @Test
    void jdkListenerTakesNoKeysAndResumesNothingAfterARestart() {
        TestPki.Issued appliance = pki.appliance("SN-RESUME-JDK");
        Path crl = publishCrl(dir, pki.revocationList());
        List<SessionTicketKey> keys = List.of(SessionTicketKey.generate(Instant.now()));
        SslContext client = client(appliance);

        SslContext before = SslContexts.server(
                keys(server),
                trust(pki, crl),
                CertificateRole.APPLIANCE,
                ALPN,
                serverRefusals,
                TlsProviders.require(TlsProvider.JDK));
        assertThat(SslContexts.useSessionTicketKeys(before, keys, LIFETIME)).isFalse();
        int port;
        try (EchoServer listener = new EchoServer(before)) {
            port = listener.port();
            EchoClient.connect(clients, client, "localhost", port);
            assertThat(listener.nextHandshake().resumed()).isFalse();
            EchoClient.connect(clients, client, "localhost", port);
            assertThat(listener.nextHandshake().resumed())
                    .as("resumed within the same process")
                    .isTrue();
        }
        SslContext after = SslContexts.server(
                keys(server),
                trust(pki, crl),
                CertificateRole.APPLIANCE,
                ALPN,
                serverRefusals,
                TlsProviders.require(TlsProvider.JDK));
        try (EchoServer listener = new EchoServer(after, port)) {
            assertThat(EchoClient.connect(clients, client, "localhost", port).echoedPing())
                    .isTrue();
            EchoServer.Handshake seen = listener.nextHandshake();
            assertThat(seen.succeeded()).isTrue();
            assertThat(seen.resumed()).isFalse();
        }
    }

    /**
     * A link whose server is killed (its sockets closed without close_notify) keeps the ticket the server sent with its
     * first data: the appliance resumes after the restart, which is what a reconnect storm counts on.
     */
    @Test
    void aLinkDroppedWithoutCloseNotifyKeepsItsTicket() throws InterruptedException {
        TestPki.Issued appliance = pki.appliance("SN-RESUME-DROPPED");
        Path crl = publishCrl(dir, pki.revocationList());
        List<SessionTicketKey> keys = List.of(SessionTicketKey.generate(Instant.now()));
        SslContext client = client(appliance);
        EventLoopGroup serverLoop = new NioEventLoopGroup(1);
        try {
            SslContext tls = listener(crl, Set.of(CertificateRole.APPLIANCE), keys);
            Channel killed = new ServerBootstrap()
                    .group(serverLoop)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline()
                                    .addLast(SslContexts.serverHandler(tls, channel, TlsPolicy.HANDSHAKE_TIMEOUT));
                            channel.pipeline().addLast(new WriteOnceThenVanish());
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0)
                    .sync()
                    .channel();
            int port = ((InetSocketAddress) killed.localAddress()).getPort();
            EchoClient.Outcome dropped = EchoClient.connect(clients, client, "localhost", port);
            assertThat(dropped.handshakeSucceeded()).isTrue();
            assertThat(dropped.echoed()).as("the server's one write").isEqualTo("x");
            killed.close().sync();

            try (EchoServer restarted = new EchoServer(listener(crl, Set.of(CertificateRole.APPLIANCE), keys), port)) {
                assertThat(EchoClient.connect(clients, client, "localhost", port)
                                .echoedPing())
                        .isTrue();
                assertThat(restarted.nextHandshake().resumed())
                        .as("resumed after the link was dropped")
                        .isTrue();
            }
        } finally {
            serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(TlsFixtures.WAIT.toMillis());
        }
    }

    /**
     * Why a reconnect storm resumed only part of its handshakes: the JDK's TLS 1.3 client takes a ticket out of its
     * cache as it sends it in a ClientHello, and JDK 17 keeps one ticket per server (host and port), so an attempt that
     * fails after its ClientHello (the server busy: its handshake time-out, or a connection closed at accept) leaves the
     * appliance no ticket, and its next handshake is a full one. JDK 25 keeps every ticket the server sends (BoringSSL
     * sends two per handshake) and resumes with the next. Run on JDK 25 with {@code -Djvm=PATH-TO-JAVA-25}.
     */
    @Test
    void anAttemptThatFailsAfterItsClientHelloCostsTheTicketOnJdk17ButNotOnJdk25() throws IOException {
        int jdk = Runtime.version().feature();
        assumeTrue(jdk == 17 || jdk >= 25, "JDK 17 keeps one TLS 1.3 ticket, 25 several; between: not checked");
        TestPki.Issued appliance = pki.appliance("SN-RESUME-AFTER-FAILURE");
        List<SessionTicketKey> keys = List.of(SessionTicketKey.generate(Instant.now()));
        SslContext client = client(appliance);
        publishCrl(dir, pki.revocationList());
        int port = handshake(client, 0, keys);

        try (ServerSocket busy = new ServerSocket(port, 8, InetAddress.getLoopbackAddress())) {
            // a server that accepts the connection (the kernel does) but does not answer the ClientHello in time
            EchoClient.Outcome failed = EchoClient.connect(
                    clients,
                    busy.getLocalPort(),
                    channel -> SslContexts.clientHandler(
                            client, channel.alloc(), "localhost", port, Duration.ofMillis(300)));
            assertThat(failed.handshakeFailure()).isInstanceOf(SslHandshakeTimeoutException.class);
        }

        assertThat(resumedOn(client, port, keys))
                .as("resumed after a failed attempt on JDK " + jdk)
                .isEqualTo(jdk >= 25);
    }

    @Test
    void keysAndLifetimeAreChecked() {
        Path crl = publishCrl(dir, pki.revocationList());
        SslContext listener = listener(crl, Set.of(CertificateRole.APPLIANCE), List.of());
        List<SessionTicketKey> keys = List.of(SessionTicketKey.generate(Instant.now()));

        assertThatThrownBy(() -> SslContexts.useSessionTicketKeys(listener, List.of(), LIFETIME))
                .hasMessage("keys: [] (expected: at least one)");
        assertThatThrownBy(() -> SslContexts.useSessionTicketKeys(listener, keys, Duration.ofDays(8)))
                .hasMessage("lifetime: PT192H (expected: >= PT1S and <= PT168H)");
        assertThatThrownBy(() -> SslContexts.useSessionTicketKeys(
                        SslContexts.client(keys(server), trustWithoutCrl(pki), ALPN, clientRefusals), keys, LIFETIME))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SessionTicketKey(Instant.now(), new byte[47]))
                .hasMessage("bytes: 47 bytes (expected: 48)");
        assertThat(keys.get(0).toString())
                .startsWith("SessionTicketKey[name=" + keys.get(0).name())
                .hasSizeLessThan(120);
    }

    /** A full handshake on a new listener with {@code keys} on {@code port} (0: any); returns the port. */
    private int handshake(SslContext client, int port, List<SessionTicketKey> keys) {
        Path crl = dir.resolve("issuing-ca.crl.pem");
        try (EchoServer listener = new EchoServer(listener(crl, Set.of(CertificateRole.APPLIANCE), keys), port)) {
            assertThat(EchoClient.connect(clients, client, "localhost", listener.port())
                            .echoedPing())
                    .isTrue();
            assertThat(listener.nextHandshake().succeeded()).isTrue();
            return listener.port();
        }
    }

    /** Whether a new listener with {@code keys} on {@code port} resumed the client's session. */
    private boolean resumedOn(SslContext client, int port, List<SessionTicketKey> keys) {
        Path crl = dir.resolve("issuing-ca.crl.pem");
        try (EchoServer listener = new EchoServer(listener(crl, Set.of(CertificateRole.APPLIANCE), keys), port)) {
            assertThat(EchoClient.connect(clients, client, "localhost", port).echoedPing())
                    .isTrue();
            EchoServer.Handshake seen = listener.nextHandshake();
            assertThat(seen.succeeded()).isTrue();
            return seen.resumed();
        }
    }

    /** A BoringSSL listener for {@code roles}, sealing its tickets with {@code keys} (none: its own). */
    private SslContext listener(Path crl, Set<CertificateRole> roles, List<SessionTicketKey> keys) {
        SslContext context = SslContexts.server(
                keys(server), trust(pki, crl), roles, ALPN, serverRefusals, TlsProviders.require(TlsProvider.OPENSSL));
        if (!keys.isEmpty()) {
            assertThat(SslContexts.useSessionTicketKeys(context, keys, LIFETIME))
                    .isTrue();
        }
        return context;
    }

    /** Sends one byte once the handshake is done (with it BoringSSL sends its tickets), then closes like a kill. */
    private static final class WriteOnceThenVanish extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent completion && completion.isSuccess()) {
                ctx.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.UTF_8))
                        .addListener(written -> ctx.channel().unsafe().closeForcibly());
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    private SslContext client(TestPki.Issued issued) {
        return SslContexts.client(
                keys(issued), trustWithoutCrl(pki), ALPN, clientRefusals, TlsProviders.require(TlsProvider.JDK));
    }
}
