package dev.secureconnect.appliance.enrol;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.tunnel.enrolment.EnrolmentAnswer;
import dev.secureconnect.tunnel.enrolment.EnrolmentRequest;
import dev.secureconnect.tunnel.enrolment.InvalidEnrolmentRequestException;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Sends one enrolment request to the server's enrolment listener over TLS that trusts nothing but the root CA whose
 * SHA-256 fingerprint the code carries ({@link SslContexts#pinnedRootClient}): the request is written only once the
 * handshake accepted the server's chain, so a server that is not the code's never sees the code or the request.
 */
public final class EnrolmentClient {

    private final Duration timeout;

    /** @param timeout how long the whole exchange (connect, handshake, answer) may take */
    public EnrolmentClient(Duration timeout) {
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /**
     * Enrols with {@code request} at {@code server}, pinning {@code root}.
     *
     * @return the server's answer
     * @throws ApplianceException one line: the pin did not match, the server refused (its reason), or it could not be
     *     reached
     */
    public EnrolmentAnswer enrol(ServerAddress server, CertificateFingerprint root, EnrolmentRequest request) {
        AtomicReference<@Nullable String> refusal = new AtomicReference<>();
        SslContext tls = SslContexts.pinnedRootClient(
                root,
                List.of(ApplicationProtocolNames.HTTP_1_1),
                (peer, subject, reason, message) -> refusal.compareAndSet(null, message));
        CompletableFuture<EnrolmentAnswerHandler.Response> answer = new CompletableFuture<>();
        EventLoopGroup group = Transports.group(1, new DefaultThreadFactory("sc-appliance-enrol", true));
        try {
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(Transports.socketChannel(group.next()))
                    .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(
                                            "tls",
                                            SslContexts.clientHandler(
                                                    tls, ch.alloc(), server.host(), server.port(), timeout));
                            ch.pipeline().addLast("http", new HttpClientCodec());
                            ch.pipeline()
                                    .addLast("aggregator", new HttpObjectAggregator(EnrolmentAnswer.MAX_BODY_BYTES));
                            ch.pipeline().addLast("answer", new EnrolmentAnswerHandler(answer));
                        }
                    })
                    .connect(server.host(), server.port())
                    .syncUninterruptibly()
                    .channel();
            SslHandler handshake = channel.pipeline().get(SslHandler.class);
            handshake.handshakeFuture().addListener(done -> {
                if (done.isSuccess()) {
                    channel.writeAndFlush(post(server, request));
                } else {
                    answer.completeExceptionally(done.cause());
                    channel.close();
                }
            });
            return read(server, answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            String pinned = refusal.get();
            if (pinned != null) {
                throw new ApplianceException("enrolment aborted before anything was sent: " + OneLine.of(pinned));
            }
            throw new ApplianceException("cannot enrol at " + server + ": " + OneLine.of(rootMessage(e.getCause())), e);
        } catch (TimeoutException e) {
            throw new ApplianceException(
                    "cannot enrol at " + server + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException("enrolment interrupted", e);
        } catch (RuntimeException e) {
            if (e instanceof ApplianceException refused) {
                throw refused;
            }
            throw new ApplianceException("cannot enrol at " + server + ": " + OneLine.of(rootMessage(e)), e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static FullHttpRequest post(ServerAddress server, EnrolmentRequest request) {
        byte[] body = request.toJson();
        FullHttpRequest post = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.POST, EnrolmentRequest.PATH, Unpooled.wrappedBuffer(body));
        post.headers()
                .set(HttpHeaderNames.HOST, server.host() + ":" + server.port())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return post;
    }

    /** The answer, or the server's refusal as one line. */
    private static EnrolmentAnswer read(ServerAddress server, EnrolmentAnswerHandler.Response response) {
        if (response.status() == 200) {
            try {
                return EnrolmentAnswer.parse(response.body());
            } catch (InvalidEnrolmentRequestException e) {
                throw new ApplianceException("the server at " + server + " answered the enrolment with something"
                        + " else than an enrolment answer: " + e.getMessage());
            }
        }
        String error;
        try {
            error = Mappers.json().readTree(response.body()).path("error").asText("");
        } catch (java.io.IOException e) {
            error = "";
        }
        throw new ApplianceException("the server refused the enrolment (" + response.status() + "): "
                + (error.isEmpty() ? "no reason given" : OneLine.of(error)));
    }

    private static String rootMessage(@Nullable Throwable failure) {
        Throwable cause = failure;
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == null ? "unknown failure" : String.valueOf(cause.getMessage());
    }
}
