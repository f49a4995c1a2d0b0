package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.secureconnect.crypto.pki.CertificateIdentity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * A listener on 127.0.0.1 with an ephemeral port, TLS from {@link SslContexts#serverHandler}, that records every
 * handshake's outcome and, once a handshake succeeded, echoes the first data it receives and closes the connection.
 */
final class EchoServer implements AutoCloseable {

    /** What the server saw of one handshake. */
    record Handshake(
            Throwable failure,
            CertificateIdentity peer,
            String protocol,
            String cipherSuite,
            String applicationProtocol,
            boolean resumed) {
        boolean succeeded() {
            return failure == null;
        }
    }

    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final BlockingQueue<Handshake> handshakes = new LinkedBlockingQueue<>();
    private final Channel listener;

    EchoServer(SslContext context) {
        this(context, 0);
    }

    /** A listener on {@code port} of 127.0.0.1 (0: an ephemeral one), e.g. the port of a listener just closed. */
    EchoServer(SslContext context, int port) {
        this(context, port, null);
    }

    /**
     * A listener that checks each ClientHello and CertificateVerify as the product's listeners do
     * ({@link SslContexts#clientHelloCheck}, {@link SslContexts#certificateVerifyCheck}), its refusals told to
     * {@code refusals}.
     */
    EchoServer(SslContext context, HandshakeRefusalListener refusals) {
        this(context, 0, refusals);
    }

    private EchoServer(SslContext context, int port, HandshakeRefusalListener refusals) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (refusals != null) {
                            channel.pipeline().addLast(SslContexts.clientHelloCheck(context, refusals));
                            channel.pipeline().addLast(SslContexts.certificateVerifyCheck(context, refusals));
                        }
                        channel.pipeline()
                                .addLast(
                                        SslContexts.serverHandler(context, channel, TlsPolicy.HANDSHAKE_TIMEOUT),
                                        new RecordAndEcho());
                    }
                });
        try {
            listener = bootstrap
                    .bind(InetAddress.getLoopbackAddress(), port)
                    .sync()
                    .channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("interrupted while binding", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The next handshake that finished (either way), waiting for it at most {@link TlsFixtures#WAIT}. */
    Handshake nextHandshake() {
        try {
            Handshake handshake = handshakes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return handshake != null ? handshake : fail("the server saw no handshake finish within %s", WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while waiting for a handshake");
        }
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly(WAIT.toMillis());
        assertThat(group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(WAIT.toMillis()))
                .as("server event loops stopped")
                .isTrue();
    }

    private final class RecordAndEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent completion) {
                if (completion.isSuccess()) {
                    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                    SSLSession session = ssl.engine().getSession();
                    CertificateIdentity peer;
                    try {
                        peer = SslContexts.peerIdentity(session);
                    } catch (Exception e) {
                        handshakes.add(new Handshake(e, null, null, null, null, false));
                        ctx.close();
                        return;
                    }
                    handshakes.add(new Handshake(
                            null,
                            peer,
                            session.getProtocol(),
                            session.getCipherSuite(),
                            ssl.applicationProtocol(),
                            SslContexts.resumed(session)));
                } else {
                    handshakes.add(new Handshake(completion.cause(), null, null, null, null, false));
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ctx.writeAndFlush(message).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a refused or broken handshake: the outcome is recorded above, the connection just ends
            ctx.close();
        }
    }
}
