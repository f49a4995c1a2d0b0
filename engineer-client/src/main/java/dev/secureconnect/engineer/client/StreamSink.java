package dev.secureconnect.engineer.client;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.tunnel.link.LinkCodecs;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.EmptyHttp2Headers;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;

/**
 * Receives what the server sends on an opened session stream: each DATA frame's bytes go to a {@link Target} (on the
 * stream's event loop, so a slow target slows the stream down through HTTP/2 flow control), and {@link #ended()}
 * completes with the trailers (empty when the stream ended with DATA) or fails with a one-line reason when the
 * stream is reset, closes early or the target fails.
 */
public final class StreamSink extends ChannelInboundHandlerAdapter {

    /** Where the received bytes go. */
    @FunctionalInterface
    public interface Target {
        void write(ByteBuf bytes) throws IOException;
    }

    private final Target target;
    private final Promise<Http2Headers> ended;

    StreamSink(Target target, Promise<Http2Headers> ended) { // package-private: EmbeddedChannel tests
        this.target = target;
        this.ended = ended;
    }

    /**
     * Puts a sink on {@code stream} (opened with autoRead off) and turns reading on.
     *
     * @return completes with the trailers when the server ends its direction
     */
    public static Future<Http2Headers> attach(Http2StreamChannel stream, Target target) {
        requireNonNull(target, "target");
        Promise<Http2Headers> ended = stream.eventLoop().newPromise();
        stream.eventLoop().execute(() -> {
            stream.pipeline().addLast("sink", new StreamSink(target, ended));
            if (!stream.isActive()) {
                ended.tryFailure(new EngineerException("the stream closed before it ended"));
            }
            stream.config().setAutoRead(true);
        });
        return ended;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (ended.isDone()) {
                return;
            }
            if (msg instanceof Http2DataFrame data) {
                if (data.content().isReadable()) {
                    target.write(data.content());
                }
                if (data.isEndStream()) {
                    ended.trySuccess(EmptyHttp2Headers.INSTANCE);
                }
            } else if (msg instanceof Http2HeadersFrame headers && headers.isEndStream()) {
                ended.trySuccess(headers.headers());
            } else if (msg instanceof Http2ResetFrame reset) {
                ended.tryFailure(new EngineerException("the server reset the stream (" + reset.errorCode() + ")"));
            }
        } catch (IOException | RuntimeException e) {
            ended.tryFailure(new EngineerException(OneLine.of(String.valueOf(e.getMessage())), e));
            ctx.close();
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Channel connection = ctx.channel().parent();
        if (connection != null && !connection.isActive()) {
            String reason = connection.attr(LinkCodecs.CLOSE_REASON).get();
            ended.tryFailure(new EngineerException("the connection to the server closed before the stream ended"
                    + (reason == null ? "" : " (" + reason + ")")));
        } else {
            ended.tryFailure(new EngineerException("the stream closed before the server ended it"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ended.tryFailure(
                new EngineerException("the stream failed: " + OneLine.of(String.valueOf(cause.getMessage())), cause));
        ctx.close();
    }
}
