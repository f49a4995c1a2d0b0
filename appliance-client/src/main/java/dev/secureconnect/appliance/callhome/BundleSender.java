package dev.secureconnect.appliance.callhome;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.tunnel.callhome.CallHomeProtocol;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one bundle to the support server: a new mutual-TLS connection with the appliance's certificate to the
 * server's appliance listener, ALPN {@value CallHomeProtocol#ALPN}, one HTTP/1.1 {@code POST} of the gzip-compressed
 * bundle, the answer, closed. Independent of the link and of the SecureConnect switch: the connection has no HTTP/2
 * and the server cannot open anything towards the appliance on it. Called on the Call Home worker, which waits for
 * the answer; the network work runs on the sender's own event loop.
 */
public final class BundleSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BundleSender.class);

    /**
     * The server's answer.
     *
     * @param status the HTTP status; 0 when no answer came (unreachable, TLS refused, time-out)
     * @param message the server's one-line reason, or what went wrong
     * @param cases the appliance's support cases, when the server's answer to a delivered bundle carried them (its
     *     second line, {@code {"cases": [...]}}); null otherwise
     */
    public record Answer(int status, String message, CaseNotice.@Nullable Cases cases) {

        public Answer(int status, String message) {
            this(status, message, null);
        }

        /** Stored now or before. */
        public boolean delivered() {
            return status == 200 || status == 201;
        }

        /** The server will never take this bundle (bad input): sending it again cannot help. */
        public boolean refused() {
            return status >= 400 && status < 500 && status != 408 && status != 429;
        }
    }

    private final ServerAddress server;
    private final Duration timeout;
    private final SslContext tls;
    private final EventLoopGroup group;

    public BundleSender(Enrolment.Material material, ServerAddress server, Duration timeout, TlsProvider provider) {
        this.server = requireNonNull(server, "server");
        this.timeout = requireNonNull(timeout, "timeout");
        this.tls = SslContexts.client(
                material.keys(),
                material.trust(),
                List.of(CallHomeProtocol.ALPN),
                (peer, subject, reason, m) -> {},
                provider);
        this.group = Transports.group(1, new DefaultThreadFactory("sc-appliance-callhome-io", true));
    }

    /** Sends {@code compressed} (bundle {@code id}); blocks until the answer, at most the send time-out. */
    public Answer send(String id, byte[] compressed) throws InterruptedException {
        return send(id, compressed, List.of());
    }

    /**
     * Sends {@code compressed} (bundle {@code id}) with the admin's case decisions the server has not confirmed
     * ({@value CallHomeProtocol#HEADER_CASE_DECISIONS}, when there are any); blocks until the answer, at most the send
     * time-out.
     */
    public Answer send(String id, byte[] compressed, List<CaseNotice.Decision> decisions) throws InterruptedException {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        FullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.POST, CallHomeProtocol.PATH, Unpooled.wrappedBuffer(compressed));
        request.headers()
                .set(HttpHeaderNames.HOST, server.host())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP)
                .set(HttpHeaderNames.CONTENT_LENGTH, compressed.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(CallHomeProtocol.HEADER_BUNDLE_ID, id);
        if (!decisions.isEmpty()) {
            request.headers()
                    .set(
                            CallHomeProtocol.HEADER_CASE_DECISIONS,
                            new String(LinkJson.encode(decisions), StandardCharsets.UTF_8));
        }
        Channel channel = new Bootstrap()
                .group(group)
                .channel(Transports.socketChannel(group.next()))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 60_000))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        SslHandler handler = SslContexts.clientHandler(
                                tls, channel.alloc(), server.host(), server.port(), Duration.ofSeconds(10));
                        handler.handshakeFuture().addListener(done -> {
                            if (!done.isSuccess()) {
                                answer.complete(new Answer(
                                        0,
                                        "TLS handshake with " + server + " failed: "
                                                + OneLine.of(done.cause().getMessage())));
                                channel.close();
                            } else if (!CallHomeProtocol.ALPN.equals(handler.applicationProtocol())) {
                                answer.complete(new Answer(
                                        0,
                                        "the server at " + server + " does not take Call Home" + " bundles (ALPN "
                                                + CallHomeProtocol.ALPN + " refused)"));
                                channel.close();
                            } else {
                                channel.writeAndFlush(request.retain());
                            }
                        });
                        // its refusal comes first: the answer names it, not the handshake failure that follows
                        channel.pipeline()
                                .addLast(
                                        "server-key-exchange",
                                        SslContexts.serverKeyExchangeCheck(
                                                tls,
                                                (peer, subject, reason, message) -> answer.complete(new Answer(
                                                        0,
                                                        "this appliance refused the server at " + server + ": "
                                                                + OneLine.of(message)))));
                        channel.pipeline().addLast("tls", handler);
                        channel.pipeline().addLast("http", new HttpClientCodec());
                        channel.pipeline().addLast("aggregator", new HttpObjectAggregator(64 * 1024));
                        channel.pipeline().addLast("answer", new AnswerReader(server, answer));
                    }
                })
                .connect(server.host(), server.port())
                .addListener(connected -> {
                    if (!connected.isSuccess()) {
                        answer.complete(new Answer(
                                0,
                                "cannot reach the server at " + server + ": "
                                        + OneLine.of(connected.cause().getMessage())));
                    }
                })
                .channel();
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Answer(0, "no answer from the server at " + server + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            return new Answer(0, OneLine.of(String.valueOf(e.getCause())));
        } finally {
            channel.close();
            request.release();
        }
    }

    /** Reads the server's one answer into {@code answer} and closes; a close or failure before it is the answer. */
    static final class AnswerReader extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final ServerAddress server;
        private final CompletableFuture<Answer> answer;

        AnswerReader(ServerAddress server, CompletableFuture<Answer> answer) {
            this.server = requireNonNull(server, "server");
            this.answer = requireNonNull(answer, "answer");
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            int status = response.status().code();
            String body = response.content().toString(StandardCharsets.UTF_8).strip();
            int newline = body.indexOf('\n');
            String rest = newline < 0 ? "" : body.substring(newline + 1).strip();
            if ((status == 200 || status == 201) && rest.startsWith("{")) {
                answer.complete(new Answer(status, OneLine.of(body.substring(0, newline)), cases(rest)));
            } else {
                answer.complete(new Answer(status, OneLine.of(body)));
            }
            ctx.close();
        }

        /** The cases of the answer's second line, or null (logged) when they are malformed. */
        private CaseNotice.@Nullable Cases cases(String json) {
            try {
                return LinkJson.decode(json.getBytes(StandardCharsets.UTF_8), CaseNotice.Cases.class);
            } catch (LinkException e) {
                LOG.warn("Call Home: the server's list of cases is refused: {}", OneLine.of(e.getMessage()));
                return null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.complete(new Answer(0, "the server at " + server + " closed the connection without answering"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.complete(new Answer(0, OneLine.of(cause.getMessage())));
            ctx.close();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
}
