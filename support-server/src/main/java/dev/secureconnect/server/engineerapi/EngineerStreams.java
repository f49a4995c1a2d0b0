package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 streams each engineer (or API client) has open across all their connections, capped: a stream over the
 * cap is answered 429 at once and audited ({@code stream.refused}, status 429). The cap per connection is HTTP/2's
 * own SETTINGS_MAX_CONCURRENT_STREAMS; this one stops an engineer from multiplying connections to get round it.
 */
final class EngineerStreams {

    private static final Logger LOG = LoggerFactory.getLogger(EngineerStreams.class);
    static final String REFUSAL = "too many streams open: at most %d per engineer across their connections";

    private final int maxPerEngineer;
    private final ServerAuditLog audit;
    private final Executor blocking;
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

    EngineerStreams(int maxPerEngineer, ServerAuditLog audit, Executor blocking) {
        this.maxPerEngineer = maxPerEngineer;
        this.audit = requireNonNull(audit, "audit");
        this.blocking = requireNonNull(blocking, "blocking");
    }

    /**
     * Counts a new stream of its connection's engineer until it closes; over the cap, installs the 429 answer instead.
     *
     * @return whether the stream may go on to its dispatcher
     */
    boolean admit(Http2StreamChannel stream) {
        EngineerConnection connection = EngineerConnection.of(stream);
        String key = connection.role().label() + ":" + connection.login();
        AtomicInteger count = open.computeIfAbsent(key, k -> new AtomicInteger());
        synchronized (count) {
            if (count.get() >= maxPerEngineer) {
                refuse(stream, connection);
                return false;
            }
            count.incrementAndGet();
        }
        stream.closeFuture().addListener(closed -> {
            synchronized (count) {
                if (count.decrementAndGet() == 0) {
                    open.remove(key, count);
                }
            }
        });
        return true;
    }

    private void refuse(Http2StreamChannel stream, EngineerConnection connection) {
        String reason = String.format(REFUSAL, maxPerEngineer);
        LOG.warn(
                "{} {} from {}: stream refused, {}",
                connection.role().label(),
                connection.login(),
                connection.source(),
                reason);
        stream.pipeline().addLast("too-many-streams", new Refusal(reason));
        try {
            blocking.execute(() -> audit.append(ServerAuditEvent.builder(EventType.STREAM_REFUSED)
                    .actor(connection.login())
                    .source(connection.source())
                    .outcome(ServerAuditEvent.Outcome.FAILURE)
                    .detail("status", "429")
                    .detail("reason", reason)
                    .build()));
        } catch (RejectedExecutionException e) {
            LOG.error("could not audit the refused stream of {}: the server is stopping or busy", connection.login());
        }
    }

    /** Answers the stream 429 with the reason, and ends it. */
    static final class Refusal extends ChannelInboundHandlerAdapter { // package-private: its EmbeddedChannel test
        private final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            DefaultHttp2Headers headers = new DefaultHttp2Headers();
            headers.status(HttpResponseStatus.TOO_MANY_REQUESTS.codeAsText());
            headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            String body = "{\"error\":\"too-many-streams\",\"message\":\"" + reason + "\"}";
            ctx.write(new DefaultHttp2HeadersFrame(headers));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), true))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
