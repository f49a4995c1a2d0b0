package dev.secureconnect.server.engineerapi;

import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TrustMaterial;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Test clients over real mutual TLS with {@link TestPki} certificates. */
final class TlsClients {

    private TlsClients() {}

    static KeyMaterial keys(TestPki.Issued who) {
        return new KeyMaterial(who.privateKey(), who.chain().subList(0, 2));
    }

    static TrustMaterial trust() {
        TestPki pki = TestPki.shared();
        return TrustMaterial.withoutRevocationCheck(List.of(pki.rootCertificate()), List.of(pki.issuingCertificate()));
    }

    /**
     * Connects to {@code server} as {@code who} with ALPN {@code alpn}; once the handshake succeeded,
     * {@code onHandshake} sets up the pipeline. Completes with the channel then, or fails with the handshake's cause.
     */
    static Channel connect(
            EventLoopGroup group,
            TestPki.Issued who,
            InetSocketAddress server,
            String alpn,
            Consumer<ChannelPipeline> onHandshake)
            throws Exception {
        SslContext context =
                SslContexts.client(keys(who), trust(), List.of(alpn), (peer, subject, reason, message) -> {});
        CompletableFuture<Channel> ready = new CompletableFuture<>();
        new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(SslContexts.clientHandler(
                                        context, ch.alloc(), "localhost", server.getPort(), Duration.ofSeconds(10)));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
                                if (event instanceof SslHandshakeCompletionEvent done) {
                                    if (done.isSuccess()) {
                                        ctx.pipeline().remove(this);
                                        onHandshake.accept(ctx.pipeline());
                                        ready.complete(ctx.channel());
                                    } else {
                                        ready.completeExceptionally(done.cause());
                                        ctx.close();
                                    }
                                    return;
                                }
                                super.userEventTriggered(ctx, event);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                ready.completeExceptionally(new IllegalStateException("closed during the handshake"));
                                ctx.fireChannelInactive();
                            }
                        });
                    }
                })
                .connect(server)
                .sync();
        return ready.get(15, TimeUnit.SECONDS);
    }
}
