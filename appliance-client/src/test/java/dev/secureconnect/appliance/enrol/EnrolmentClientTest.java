package dev.secureconnect.appliance.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.tunnel.enrolment.EnrolmentRequest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EnrolmentClient} against a real TLS listener on 127.0.0.1: it trusts nothing but the root its code pins
 * ({@link SslContexts#pinnedRootClient}), so a server whose chain ends in another root gets no byte of the request.
 */
class EnrolmentClientTest {

    private static final String REFUSAL = "{\"error\":\"unknown code\",\"reason\":\"unknown-code\"}";

    private final TestPki pki = TestPki.shared();
    private final EventLoopGroup group = new NioEventLoopGroup(1);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void aServerWhoseChainEndsInAnotherRootIsRefusedBeforeAnyRequestByteIsSent() throws Exception {
        Listener foreign = new Listener(pki.untrusted(CertificateIdentity.server(List.of("localhost"), List.of())));

        assertThatThrownBy(() -> enrol(foreign))
                .isInstanceOf(ApplianceException.class)
                .hasMessageStartingWith("enrolment aborted before anything was sent: ")
                .hasMessageNotContaining("\n");

        assertThat(foreign.handshakeDone.get(10, TimeUnit.SECONDS))
                .as("the listener's handshake succeeded")
                .isFalse();
        assertThat(foreign.received.size())
                .as("request bytes the listener received")
                .isZero();
    }

    /** The control: the same listener with a chain ending in the pinned root gets the request (and refuses it). */
    @Test
    void aServerWhoseChainEndsInThePinnedRootGetsTheRequest() throws Exception {
        Listener ours = new Listener(pki.server());

        assertThatThrownBy(() -> enrol(ours))
                .isInstanceOf(ApplianceException.class)
                .hasMessage("the server refused the enrolment (403): unknown code");

        assertThat(ours.handshakeDone.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ours.received.toString(StandardCharsets.UTF_8))
                .startsWith("POST " + EnrolmentRequest.PATH + " HTTP/1.1")
                .contains("SC1.code");
    }

    private void enrol(Listener listener) {
        new EnrolmentClient(Duration.ofSeconds(10))
                .enrol(
                        new ServerAddress("localhost", listener.port()),
                        CertificateFingerprint.of(pki.rootCertificate()),
                        new EnrolmentRequest("SC1.code", "SN-ENROL-1", "-----BEGIN CERTIFICATE REQUEST-----"));
    }

    /**
     * A TLS listener presenting {@code server}'s chain (up to its root, as the enrolment listener does) that records
     * every application byte it receives and answers the first with a 403 refusal.
     */
    private final class Listener {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        /** Whether the listener's handshake succeeded, once it ended. */
        final CompletableFuture<Boolean> handshakeDone = new CompletableFuture<>();

        private final Channel channel;

        Listener(TestPki.Issued server) throws InterruptedException {
            SslContext tls = SslContexts.browserListener(
                    new KeyMaterial(server.privateKey(), server.chain()),
                    List.of(ApplicationProtocolNames.HTTP_1_1),
                    TlsProvider.JDK);
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler handler = SslContexts.serverHandler(tls, ch, Duration.ofSeconds(10));
                            handler.handshakeFuture().addListener(done -> handshakeDone.complete(done.isSuccess()));
                            ch.pipeline().addLast(handler, new Recorder());
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
        }

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        private final class Recorder extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    ByteBuf bytes = (ByteBuf) msg;
                    boolean first = received.size() == 0;
                    bytes.readBytes(received, bytes.readableBytes());
                    if (first) {
                        byte[] body = REFUSAL.getBytes(StandardCharsets.UTF_8);
                        String head = "HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: "
                                + body.length + "\r\nconnection: close\r\n\r\n";
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.UTF_8), body));
                    }
                } catch (java.io.IOException e) {
                    ctx.fireExceptionCaught(e);
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        }
    }
}
