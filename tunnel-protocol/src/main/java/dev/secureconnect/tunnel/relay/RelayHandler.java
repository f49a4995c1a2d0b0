package dev.secureconnect.tunnel.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One side of a {@link Relay}: forwards what its channel reads to the peer, stops reading while the peer is not
 * writable, and reports the end of its direction (END_STREAM, input shutdown) or a reset to the relay.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final Relay relay;
    private final Channel peer;
    private final AtomicLong forwarded;
    private boolean ended;

    RelayHandler(Relay relay, Channel peer, AtomicLong forwarded) {
        this.relay = relay;
        this.peer = peer;
        this.forwarded = forwarded;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            try {
                forward(data.content().retain());
                if (data.isEndStream()) {
                    end(ctx, null);
                }
            } finally {
                data.release();
            }
        } else if (msg instanceof Http2HeadersFrame headers) {
            if (headers.isEndStream()) {
                end(ctx, headers.headers()); // trailers end the direction and are passed on
            }
        } else if (msg instanceof Http2ResetFrame reset) {
            relay.abort("stream reset by peer (" + reset.errorCode() + ")");
        } else if (msg instanceof ByteBuf bytes) {
            forward(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void forward(ByteBuf bytes) {
        int length = bytes.readableBytes();
        if (length == 0) {
            bytes.release();
            return;
        }
        forwarded.addAndGet(length);
        Relay.write(peer, bytes);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        followPeer(ctx.channel(), peer);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // this channel's outbound buffer drained or filled: the peer, which writes into it, reads accordingly
        Channel self = ctx.channel();
        peer.eventLoop().execute(() -> followPeer(peer, self));
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Lets {@code reader} read only while {@code target} (where its bytes go) is writable. Always runs on the
     * reader's event loop and reads the target's writability afresh, so a later change always wins.
     */
    private static void followPeer(Channel reader, Channel target) {
        boolean writable = target.isWritable();
        if (reader.config().isAutoRead() != writable) {
            reader.config().setAutoRead(writable);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            end(ctx, null);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ended) {
            relay.abort(ctx.channel() + " closed before ending its direction");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        relay.abort(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    private void end(ChannelHandlerContext ctx, @Nullable Http2Headers trailers) {
        if (!ended) {
            ended = true;
            peer.flush();
            relay.ended(ctx.channel(), trailers);
        }
    }
}
