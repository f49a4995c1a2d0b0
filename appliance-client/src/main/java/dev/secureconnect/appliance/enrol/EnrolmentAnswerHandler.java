package dev.secureconnect.appliance.enrol;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The client end of one enrolment connection: completes {@code answer} with the server's response (status and body,
 * bounded by the aggregator before it), or with the failure that ended the connection first.
 */
final class EnrolmentAnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

    /** A response as received: its status code and body. */
    record Response(int status, byte[] body) {}

    private final CompletableFuture<Response> answer;

    EnrolmentAnswerHandler(CompletableFuture<Response> answer) {
        this.answer = requireNonNull(answer, "answer");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        answer.complete(new Response(response.status().code(), ByteBufUtil.getBytes(response.content())));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        answer.completeExceptionally(
                new java.io.IOException("the server closed the connection without answering the enrolment"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        answer.completeExceptionally(cause);
        ctx.close();
    }
}
