package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.WAIT;
import static dev.secureconnect.crypto.tls.TlsFixtures.keys;
import static dev.secureconnect.crypto.tls.TlsFixtures.trustWithoutCrl;
import static dev.secureconnect.crypto.tls.TlsFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusals;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A BoringSSL client (built by {@link SslContexts#client} on {@link TlsProvider#OPENSSL}) against a real
 * {@code openssl s_server} holding the test PKI's server certificate: a server that signs its TLS 1.2
 * ServerKeyExchange with SHA-1 or SHA-224 is refused by {@link SslContexts#serverKeyExchangeCheck} (and let in
 * without it: BoringSSL itself takes {@code rsa_pkcs1_sha1}); one that signs with SHA-256, or speaks TLS 1.3, is let
 * in with it.
 */
class BoringSslClientServerKeyExchangeTest {

    /** Lets s_server use SHA-1 and SHA-224 (OpenSSL 3's default security level 1 refuses them). */
    private static final String SUITE = "ECDHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0";

    @TempDir
    static Path dir;

    private static EventLoopGroup group;
    private static SslContext tls;
    private static List<String> serverFiles;

    private final Refusals refusals = new Refusals();

    @BeforeAll
    static void setUp() {
        TestPki pki = TestPki.shared();
        TestPki.Issued server = pki.server();
        Path cert = write(dir.resolve("server.pem"), Pem.certificates(List.of(server.certificate())));
        Path key = write(dir.resolve("server.key.pem"), Pem.privateKey(server.privateKey()));
        Path chain = write(
                dir.resolve("chain.pem"),
                Pem.certificates(server.chain().subList(1, server.chain().size())));
        serverFiles = List.of("-cert", cert.toString(), "-key", key.toString(), "-cert_chain", chain.toString());
        tls = SslContexts.client(
                keys(pki.appliance("SN-SKE-1")),
                trustWithoutCrl(pki),
                List.of(),
                (peer, subject, reason, message) -> {},
                TlsProviders.require(TlsProvider.OPENSSL));
        group = new NioEventLoopGroup(1);
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aServerKeyExchangeSignedWithSha1IsRefused() {
        try (OpenSslServer server = OpenSslServer.start(tls12("RSA+SHA1"))) {
            Throwable failure = handshake(server.port(), true);

            assertThat(failure).as("the handshake fails").isNotNull();
            assertThat(refusals.next().message())
                    .isEqualTo("the server signed its TLS 1.2 ServerKeyExchange with rsa_pkcs1_sha1, which the TLS"
                            + " policy does not allow (expected: RSA-PSS, PKCS#1 v1.5 or ECDSA over SHA-256, SHA-384"
                            + " or SHA-512)");
            assertThat(refusals.drain()).as("refused once").isEmpty();
        }
    }

    /**
     * BoringSSL does not offer SHA-224 at all: a server that can sign only with it finds no algorithm in common and
     * fails the handshake, check or not (the check refuses SHA-224 too, see {@code ServerKeyExchangeCheckTest}).
     */
    @Test
    void aServerThatSignsOnlyWithSha224FindsNoAlgorithmInCommon() {
        try (OpenSslServer server = OpenSslServer.start(tls12("RSA+SHA224"))) {
            assertThat(handshake(server.port(), false)).isNotNull();
        }
    }

    /** What the check is for: without it, BoringSSL completes the handshake with a SHA-1 signed key exchange. */
    @Test
    void withoutTheCheckBoringSslTakesSha1() {
        try (OpenSslServer server = OpenSslServer.start(tls12("RSA+SHA1"))) {
            assertThat(handshake(server.port(), false)).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"RSA+SHA256", "RSA-PSS+SHA384"})
    void aServerKeyExchangeSignedWithinThePolicyIsTaken(String sigalgs) {
        try (OpenSslServer server = OpenSslServer.start(tls12(sigalgs))) {
            assertThat(handshake(server.port(), true)).isNull();
            assertThat(refusals.drain()).isEmpty();
        }
    }

    @Test
    void aTls13ServerIsTaken() {
        List<String> args = new ArrayList<>(serverFiles);
        args.addAll(List.of("-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384"));
        try (OpenSslServer server = OpenSslServer.start(args)) {
            assertThat(handshake(server.port(), true)).isNull();
            assertThat(refusals.drain()).isEmpty();
        }
    }

    private static List<String> tls12(String sigalgs) {
        List<String> args = new ArrayList<>(serverFiles);
        args.addAll(List.of("-tls1_2", "-cipher", SUITE, "-sigalgs", sigalgs));
        return args;
    }

    /** Connects to 127.0.0.1:{@code port}, the check in front of the TLS handler if {@code checked}: why it failed. */
    private @Nullable Throwable handshake(int port, boolean checked) {
        AtomicReference<SslHandler> handler = new AtomicReference<>();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (checked) {
                            ch.pipeline().addLast(SslContexts.serverKeyExchangeCheck(tls, refusals));
                        }
                        handler.set(SslContexts.clientHandler(
                                tls, ch.alloc(), "127.0.0.1", port, TlsPolicy.HANDSHAKE_TIMEOUT));
                        ch.pipeline().addLast(handler.get());
                    }
                })
                .connect("127.0.0.1", port)
                .syncUninterruptibly()
                .channel();
        try {
            Future<Channel> done = handler.get().handshakeFuture();
            assertThat(done.awaitUninterruptibly(WAIT.toMillis()))
                    .as("the handshake ends")
                    .isTrue();
            return done.cause();
        } finally {
            channel.close().syncUninterruptibly();
        }
    }
}
