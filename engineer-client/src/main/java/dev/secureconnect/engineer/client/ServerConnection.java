package dev.secureconnect.engineer.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateRejectedException;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.internal.Json;
import dev.secureconnect.tunnel.link.Http2Connections;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * One mutual-TLS HTTP/2 connection to the server's engineer listener. JSON API requests ({@link #call}) and session
 * streams ({@link #open}) each go on a stream of their own; the connection sends a PING when it has been quiet for
 * {@link #KEEP_ALIVE}, so that a long forward is not dropped as idle. Its I/O threads are daemon threads: closing
 * the connection (or the process ending) stops them.
 */
public final class ServerConnection implements AutoCloseable {

    /** The largest JSON answer read. */
    static final int MAX_JSON_BYTES = 1024 * 1024;

    /** How long a quiet connection waits before it sends a PING. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

    private final ServerAddress server;
    private final Timeouts timeouts;
    private final EventLoopGroup group;
    private final Channel channel;

    private ServerConnection(ServerAddress server, Timeouts timeouts, EventLoopGroup group, Channel channel) {
        this.server = server;
        this.timeouts = timeouts;
        this.group = group;
        this.channel = channel;
    }

    /** The environment variable that chooses the TLS implementation: {@code auto} (default), {@code openssl}, {@code jdk}. */
    public static final String TLS_PROVIDER_VARIABLE = "SC_TLS_PROVIDER";

    /**
     * The TLS implementation {@code SC_TLS_PROVIDER} asks for; {@code auto} when it is unset or empty.
     *
     * @throws EngineerException if it names none of auto, openssl, jdk
     */
    static TlsProvider tlsProvider(String value) {
        if (value == null || value.isBlank()) {
            return TlsProvider.AUTO;
        }
        try {
            return TlsProvider.parse(TLS_PROVIDER_VARIABLE, value);
        } catch (IllegalArgumentException e) {
            throw new EngineerException(e.getMessage(), e);
        }
    }

    /**
     * Connects and completes the TLS handshake (the server's certificate checked against the identity's CA, its role
     * and the host name in {@code server}) and HTTP/2 negotiation, waiting at most the connect and handshake timeouts.
     *
     * @throws EngineerException with a one-line reason when the server cannot be reached, refuses this certificate,
     *     presents one this client refuses, or does not speak HTTP/2
     */
    public static ServerConnection connect(ServerAddress server, Identity identity, Timeouts timeouts) {
        requireNonNull(server, "server");
        requireNonNull(identity, "identity");
        requireNonNull(timeouts, "timeouts");
        AtomicReference<String> refused = new AtomicReference<>();
        SslContext tls;
        try {
            tls = SslContexts.client(
                    identity.keys(),
                    identity.trust(),
                    List.of(ApplicationProtocolNames.HTTP_2),
                    (peer, subject, reason, message) -> refused.compareAndSet(null, refusal(server, reason, message)),
                    tlsProvider(System.getenv(TLS_PROVIDER_VARIABLE)));
        } catch (CryptoException e) {
            throw new EngineerException(e.getMessage(), e);
        }
        EventLoopGroup group = Transports.group(1, new DefaultThreadFactory("sc-engineer", true));
        Promise<Channel> ready = group.next().newPromise();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(Transports.socketChannel(group))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        timeouts.connect().toMillis())
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        "server-key-exchange",
                                        SslContexts.serverKeyExchangeCheck(
                                                tls,
                                                (peer, subject, reason, message) -> refused.compareAndSet(
                                                        null,
                                                        "refused the server at " + server + ": "
                                                                + OneLine.of(message))));
                        ch.pipeline()
                                .addLast(
                                        "tls",
                                        SslContexts.clientHandler(
                                                tls, ch.alloc(), server.host(), server.port(), timeouts.handshake()));
                        ch.pipeline().addLast("alpn", new Negotiation(server, ready, refused));
                    }
                });
        try {
            bootstrap.connect(server.host(), server.port()).addListener(connecting -> {
                if (!connecting.isSuccess()) {
                    ready.tryFailure(new EngineerException(
                            "cannot reach the server at " + server + ": "
                                    + OneLine.of(
                                            String.valueOf(connecting.cause().getMessage())),
                            connecting.cause()));
                }
            });
            Duration limit = timeouts.connect().plus(timeouts.handshake()).plusSeconds(1);
            Channel channel = await(
                    ready, limit, "the server at " + server + " did not answer within " + limit.toSeconds() + " s");
            return new ServerConnection(server, timeouts, group, channel);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public ServerAddress server() {
        return server;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    /** The HTTP/2 connection, for opening streams. */
    public Channel channel() {
        return channel;
    }

    /** The connection's event loops, for local sockets that relay to its streams. */
    public EventLoopGroup group() {
        return group;
    }

    /**
     * Sends a JSON API request and waits for the whole answer.
     *
     * @param bearer the login session, or null (login)
     * @param body encoded as JSON, or null for none
     * @return the answer's JSON (a 200)
     * @throws ApiException for any other status, with the server's {@code error} message
     * @throws EngineerException when the connection fails or the answer takes longer than the request timeout
     */
    public JsonNode call(String method, String path, @Nullable String bearer, @Nullable Object body) {
        Http2Headers headers = new DefaultHttp2Headers()
                .method(method)
                .path(path)
                .scheme("https")
                .authority(server.toString());
        headers.set("accept", "application/json");
        if (bearer != null) {
            headers.set("authorization", "Bearer " + bearer);
        }
        byte[] content = body == null ? null : Json.bytes(body);
        if (content != null) {
            headers.set("content-type", "application/json");
        }
        Promise<JsonExchange.Answer> answer = channel.eventLoop().newPromise();
        new Http2StreamChannelBootstrap(channel)
                .handler(new JsonExchange(answer, MAX_JSON_BYTES))
                .open()
                .addListener(opened -> {
                    if (!opened.isSuccess()) {
                        answer.tryFailure(connectionFailed(opened.cause()));
                        return;
                    }
                    Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
                    stream.write(new DefaultHttp2HeadersFrame(headers, content == null));
                    if (content != null) {
                        stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(content), true));
                    }
                    stream.flush();
                });
        JsonExchange.Answer result = await(
                answer,
                timeouts.request(),
                "the server did not answer " + method + " " + path + " within "
                        + timeouts.request().toSeconds() + " s");
        return result.json(method + " " + path);
    }

    /**
     * Opens a session stream ({@link StreamOpener#open}): completes once the server answered 200, with the stream
     * (autoRead off) and the response headers, or fails with a {@code StreamRefusedException} carrying the status and
     * the reason.
     */
    public Future<StreamOpener.Opened> open(Http2Headers request) {
        return StreamOpener.open(channel, request, timeouts.stream());
    }

    /** Opens a session stream and waits for the answer; a refusal or failure throws with its one-line reason. */
    public StreamOpener.Opened openAndWait(Http2Headers request) {
        return await(
                open(request),
                timeouts.stream().plusSeconds(1),
                "the server did not answer the session request within "
                        + timeouts.stream().toSeconds() + " s");
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /**
     * Why the connection closed, when it is known: the reason the server gave in its GOAWAY ("peer: ..."), or the
     * one this side closed it for.
     */
    public Optional<String> closeReason() {
        return Optional.ofNullable(channel.attr(LinkCodecs.CLOSE_REASON).get());
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "ServerConnection[" + server + ", " + (isOpen() ? "open" : "closed") + "]";
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    /**
     * Waits for {@code future}; its failure is rethrown as an {@link EngineerException} with a one-line message (an
     * {@code EngineerException} or a link exception as it is).
     */
    public static <T> T await(Future<T> future, Duration limit, String timeoutMessage) {
        try {
            if (!future.isDone() && !future.await(limit.toMillis())) {
                future.cancel(false);
                throw new EngineerException(timeoutMessage);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineerException("interrupted", e);
        }
        if (future.isSuccess()) {
            return future.getNow();
        }
        Throwable cause = future.cause();
        if (cause instanceof RuntimeException runtime && !(cause instanceof DecoderException)) {
            throw runtime;
        }
        throw new EngineerException(OneLine.of(String.valueOf(cause.getMessage())), cause);
    }

    /** Waits, without a time limit, for a stream's end (its peer decides when); interruption ends the wait. */
    public static <T> T awaitEnd(Future<T> future) {
        try {
            future.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineerException("interrupted", e);
        }
        return await(future, Duration.ZERO, "not done");
    }

    private static EngineerException connectionFailed(Throwable cause) {
        return new EngineerException(
                "the connection to the server failed: "
                        + OneLine.of(String.valueOf(cause == null ? null : cause.getMessage())),
                cause);
    }

    private static String refusal(
            ServerAddress server, CertificateRejectedException.Reason reason, @Nullable String message) {
        return "refused the certificate of the server at " + server + " (" + reason.label() + "): "
                + OneLine.of(message);
    }

    /** Waits for the handshake, checks that the server agreed on HTTP/2, then puts HTTP/2 in place. */
    static final class Negotiation extends ApplicationProtocolNegotiationHandler { // package-private: its test
        private final ServerAddress server;
        private final Promise<Channel> ready;
        private final AtomicReference<String> refused;

        Negotiation(ServerAddress server, Promise<Channel> ready, AtomicReference<String> refused) {
            super("(none)");
            this.server = server;
            this.ready = ready;
            this.refused = refused;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                ready.tryFailure(new EngineerException("the server at " + server + " does not speak HTTP/2 (it agreed"
                        + " on TLS application protocol " + protocol + "): is this its engineer listener?"));
                ctx.close();
                return;
            }
            // the receive window of every stream and of the connection: Http2Connections.ENGINEER_WINDOW_BYTES
            Http2Settings settings = Http2Connections.settings(Http2Connections.ENGINEER_WINDOW_BYTES)
                    .pushEnabled(false);
            ctx.pipeline().addLast("idle", Http2Connections.idleHandler(Duration.ZERO, KEEP_ALIVE));
            ctx.pipeline()
                    .addLast(
                            "http2",
                            Http2FrameCodecBuilder.forClient()
                                    .initialSettings(settings)
                                    .build());
            ctx.pipeline().addLast("streams", new Http2MultiplexHandler(new Http2Connections.RefuseInboundStreams()));
            ctx.pipeline().addLast("keepalive", new Http2Connections.KeepAlive(Duration.ZERO));
            // the connection's own window starts at 64 KiB: open it as wide as a stream's
            ctx.channel()
                    .writeAndFlush(new DefaultHttp2WindowUpdateFrame(
                            Http2Connections.ENGINEER_WINDOW_BYTES - Http2Connections.INITIAL_CONNECTION_WINDOW_BYTES));
            ctx.channel()
                    .closeFuture()
                    .addListener(closed -> ready.tryFailure(
                            new EngineerException("the server at " + server + " closed the connection")));
            ready.trySuccess(ctx.channel());
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            ready.tryFailure(new EngineerException(handshakeProblem(cause), cause));
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ready.tryFailure(new EngineerException(handshakeProblem(cause), cause));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            ready.tryFailure(new EngineerException(
                    refused.get() != null
                            ? refused.get()
                            : "the server at " + server + " closed the connection during the TLS handshake"));
            super.channelInactive(ctx);
        }

        private String handshakeProblem(Throwable failure) {
            if (refused.get() != null) {
                return refused.get();
            }
            Throwable cause =
                    failure instanceof DecoderException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof NotSslRecordException) {
                return "the server at " + server + " does not speak TLS";
            }
            if (cause instanceof SslHandshakeTimeoutException) {
                return "the TLS handshake with the server at " + server + " did not finish in time";
            }
            if (cause instanceof ClosedChannelException) {
                return "the server at " + server + " closed the connection during the TLS handshake";
            }
            String message = OneLine.of(String.valueOf(cause.getMessage()));
            if (cause instanceof SSLHandshakeException && message.contains("Received fatal alert")) {
                return "the server at " + server + " refused the TLS handshake ("
                        + message.replace("Received fatal alert: ", "alert ")
                        + "): check that your certificate is valid, not revoked, and an engineer certificate"
                        + " of the server's CA";
            }
            if (cause instanceof IOException) {
                return "the connection to the server at " + server + " failed: " + message;
            }
            return "the TLS handshake with the server at " + server + " failed: " + message;
        }
    }
}
