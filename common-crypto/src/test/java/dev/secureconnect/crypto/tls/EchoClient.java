package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.WAIT;

import dev.secureconnect.crypto.pki.CertificateIdentity;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.SSLSession;

/** Connects to 127.0.0.1, runs the TLS handshake, sends one line and collects what comes back until the server closes. */
final class EchoClient {

    static final String PING = "ping from the test client\n";

    /**
     * What the client saw.
     *
     * @param handshakeFailure why its handshake failed, or null
     * @param echoed what the server sent back before closing (empty if it refused the client after the client's
     *     side of a TLS 1.3 handshake had finished)
     */
    record Outcome(
            Throwable handshakeFailure,
            CertificateIdentity server,
            String protocol,
            String cipherSuite,
            String applicationProtocol,
            String echoed) {
        boolean handshakeSucceeded() {
            return handshakeFailure == null;
        }

        boolean echoedPing() {
            return PING.equals(echoed);
        }
    }

    private EchoClient() {}

    /** Connects with {@link SslContexts#clientHandler} for {@code host}. */
    static Outcome connect(EventLoopGroup group, SslContext context, String host, int port) {
        return connect(
                group,
                port,
                channel ->
                        SslContexts.clientHandler(context, channel.alloc(), host, port, TlsPolicy.HANDSHAKE_TIMEOUT));
    }

    /** Connects with a handler of the test's making (a client outside the policy). */
    static Outcome connect(EventLoopGroup group, int port, Function<SocketChannel, SslHandler> handlers) {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        StringBuilder received = new StringBuilder();
        // kept here: a refused connection may be closed, its pipeline emptied, before the test looks at it
        AtomicReference<SslHandler> tls = new AtomicReference<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        tls.set(handlers.apply(channel));
                        channel.pipeline().addLast(tls.get(), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object message) {
                                ByteBuf data = (ByteBuf) message;
                                try {
                                    received.append(data.toString(StandardCharsets.UTF_8));
                                } finally {
                                    data.release();
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                echoed.complete(received.toString());
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                });
        ChannelFuture connect = bootstrap.connect(InetAddress.getLoopbackAddress(), port);
        if (!connect.awaitUninterruptibly(WAIT.toMillis()) || !connect.isSuccess()) {
            throw new AssertionError("cannot connect to 127.0.0.1:" + port, connect.cause());
        }
        Channel channel = connect.channel();
        try {
            SslHandler ssl = tls.get();
            Future<Channel> handshake = ssl.handshakeFuture();
            if (!handshake.awaitUninterruptibly(WAIT.toMillis())) {
                throw new AssertionError("the client's handshake did not finish within " + WAIT);
            }
            if (!handshake.isSuccess()) {
                return new Outcome(handshake.cause(), null, null, null, null, "");
            }
            SSLSession session = ssl.engine().getSession();
            CertificateIdentity server;
            try {
                server = SslContexts.peerIdentity(session);
            } catch (Exception e) {
                throw new AssertionError("the client's handshake succeeded without a readable server identity", e);
            }
            channel.writeAndFlush(Unpooled.copiedBuffer(PING, StandardCharsets.UTF_8));
            String back = echoed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return new Outcome(
                    null, server, session.getProtocol(), session.getCipherSuite(), ssl.applicationProtocol(), back);
        } catch (TimeoutException e) {
            throw new AssertionError("the server neither echoed nor closed within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            channel.close().awaitUninterruptibly(WAIT.toMillis());
        }
    }
}
