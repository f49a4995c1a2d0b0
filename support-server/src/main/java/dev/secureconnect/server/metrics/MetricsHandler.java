package dev.secureconnect.server.metrics;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one request of a metrics connection: {@code GET /metrics} (or {@code HEAD}) is answered with a scrape, made on
 * {@code scraping} (never on the event loop: a gauge may take a lock), in OpenMetrics when the {@code Accept} header
 * asks for it, else in the Prometheus text format; then the connection closes. Any other path is 404 and any other
 * method 405, on one line.
 */
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHandler.class);
    static final String PATH = "/metrics";

    private final Function<String, ServerMetrics.Scrape> scrape;
    private final Executor scraping;
    private boolean answering;

    /** @param scrape one scrape for an {@code Accept} header ({@link ServerMetrics#scrape}) */
    MetricsHandler(Function<String, ServerMetrics.Scrape> scrape, Executor scraping) {
        this.scrape = requireNonNull(scrape, "scrape");
        this.scraping = requireNonNull(scraping, "scraping");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (answering) {
            return; // one request per connection: a pipelined one is dropped with the connection
        }
        answering = true;
        if (!PATH.equals(new QueryStringDecoder(request.uri()).path())) {
            write(ctx, HttpResponseStatus.NOT_FOUND, text("not found: this listener serves GET " + PATH + "\n"));
            return;
        }
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (!head && !HttpMethod.GET.equals(request.method())) {
            write(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, text("method not allowed: use GET " + PATH + "\n"));
            return;
        }
        String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
        try {
            scraping.execute(() -> {
                ServerMetrics.Scrape answer;
                try {
                    answer = scrape.apply(accept);
                } catch (RuntimeException e) {
                    LOG.warn("a metrics scrape failed: {}", e.getMessage(), e);
                    write(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, text("the scrape failed (see the log)\n"));
                    return;
                }
                write(ctx, HttpResponseStatus.OK, head ? new ServerMetrics.Scrape(answer.contentType(), "") : answer);
            });
        } catch (RejectedExecutionException e) {
            write(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, text("the server is stopping\n"));
        }
    }

    private static ServerMetrics.Scrape text(String body) {
        return new ServerMetrics.Scrape(ServerMetrics.TEXT, body);
    }

    private static void write(ChannelHandlerContext ctx, HttpResponseStatus status, ServerMetrics.Scrape answer) {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("metrics connection from {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
        ctx.close();
    }
}
