package dev.secureconnect.server.enrolment;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.tunnel.enrolment.EnrolmentRequest;
import io.netty.buffer.ByteBufUtil;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one request of an enrolment connection ({@code POST} {@value EnrolmentRequest#PATH}, a body the aggregator
 * bounded before): hands the body to the endpoint on the blocking executor (database, signing: never on the event
 * loop) and writes its answer, then closes the connection. Anything else is answered 404/405 on one line.
 */
final class EnrolmentHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(EnrolmentHandler.class);

    private final BiFunction<byte[], InetAddress, EnrolmentEndpoint.Answer> endpoint;
    private final Executor blocking;
    private boolean answering;

    EnrolmentHandler(BiFunction<byte[], InetAddress, EnrolmentEndpoint.Answer> endpoint, Executor blocking) {
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.blocking = requireNonNull(blocking, "blocking");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (answering) {
            return; // one request per connection: a pipelined one is dropped with the connection
        }
        answering = true;
        String path = new QueryStringDecoder(request.uri()).path();
        if (!EnrolmentRequest.PATH.equals(path)) {
            write(
                    ctx,
                    EnrolmentEndpoint.error(
                            HttpResponseStatus.NOT_FOUND,
                            "not-found",
                            "this is the enrolment listener: POST " + EnrolmentRequest.PATH + " is all it answers"));
            return;
        }
        if (!HttpMethod.POST.equals(request.method())) {
            write(
                    ctx,
                    EnrolmentEndpoint.error(
                            HttpResponseStatus.METHOD_NOT_ALLOWED,
                            "method-not-allowed",
                            "enrolment is POST " + EnrolmentRequest.PATH + " (sc-appliance enrol)"));
            return;
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        InetAddress source = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        try {
            blocking.execute(() -> {
                EnrolmentEndpoint.Answer answer;
                try {
                    answer = endpoint.apply(body, source);
                } catch (RuntimeException e) {
                    LOG.warn("an enrolment from {} failed: {}", source.getHostAddress(), e.getMessage(), e);
                    answer = EnrolmentEndpoint.error(
                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "unavailable",
                            "the server cannot enrol now (see its log): try again later");
                }
                write(ctx, answer);
            });
        } catch (RejectedExecutionException e) {
            write(
                    ctx,
                    EnrolmentEndpoint.error(
                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "unavailable",
                            "the server is stopping: try again later"));
        }
    }

    private static void write(ChannelHandlerContext ctx, EnrolmentEndpoint.Answer answer) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, answer.status(), Unpooled.wrappedBuffer(answer.body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("enrolment connection from {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
        ctx.close();
    }
}
