package dev.secureconnect.appliance.console;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.tls.SslContexts;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The console's pipeline: TLS (the product's policy, no client certificate), HTTP/1.1 with bounded headers and
 * bodies ({@link #MAX_BODY}: larger is answered 413), an idle time-out, then {@link ConsoleHandler} on the blocking
 * executor.
 */
final class ConsoleInitializer extends ChannelInitializer<SocketChannel> {

    /** The largest request body (the API's bodies are a few hundred bytes). */
    static final int MAX_BODY = 16 * 1024;

    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** A connection that neither reads nor writes this long is closed (the live feed writes every half second). */
    static final Duration IDLE = Duration.ofSeconds(120);

    private final SslContext tls;
    private final EventExecutorGroup blocking;
    private final ConsoleHandler handler;

    ConsoleInitializer(SslContext tls, EventExecutorGroup blocking, ConsoleHandler handler) {
        this.tls = requireNonNull(tls, "tls");
        this.blocking = requireNonNull(blocking, "blocking");
        this.handler = requireNonNull(handler, "handler");
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast("tls", SslContexts.serverHandler(tls, channel, HANDSHAKE_TIMEOUT))
                .addLast("idle", new IdleStateHandler(0, 0, IDLE.toSeconds(), TimeUnit.SECONDS))
                .addLast("idle-close", new IdleClose())
                .addLast("http", new HttpServerCodec(4096, 16 * 1024, 8192))
                .addLast("aggregate", new HttpObjectAggregator(MAX_BODY))
                .addLast(blocking, "console", handler);
    }

    /** Closes a connection that went idle. */
    static final class IdleClose extends io.netty.channel.ChannelDuplexHandler {
        @Override
        public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof io.netty.handler.timeout.IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, event);
            }
        }
    }
}
