package dev.secureconnect.tunnel.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.charset.StandardCharsets;

/**
 * The server side of one link never accepts a stream from the appliance: each stream the appliance opens is closed at
 * once (RST_STREAM). Refusing costs the server a frame each, the appliance's own RST_STREAM of such a stream arrives
 * after it is closed and so is never counted by the codec's limit on RST_STREAM frames received, and Netty's client
 * codec limits none it sends: so the refusals are counted here, against the same limit, and an appliance that opens
 * more than it allows within its window is told GOAWAY {@code ENHANCE_YOUR_CALM} and the link is closed (HTTP/2 rapid
 * reset by other means). One instance per link; its child streams share the link's event loop.
 */
@ChannelHandler.Sharable
final class InboundStreamRefusal extends ChannelInboundHandlerAdapter {

    private final Http2Connections.ResetLimit limit;
    private long windowStart;
    private int refused;

    InboundStreamRefusal(Http2Connections.ResetLimit limit) {
        this.limit = limit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.close();
        long now = System.nanoTime();
        if (refused == 0 || now - windowStart > limit.window().toNanos()) {
            windowStart = now;
            refused = 0;
        }
        refused++;
        Channel link = ctx.channel().parent();
        if (refused > limit.maxFrames() && link != null && link.isActive()) {
            String reason = "the appliance opened " + refused + " streams within "
                    + limit.window().toSeconds() + " s; it may open none";
            link.attr(LinkCodecs.CLOSE_REASON).setIfAbsent(reason);
            ByteBuf debug = Unpooled.copiedBuffer(reason, StandardCharsets.UTF_8);
            link.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.ENHANCE_YOUR_CALM, debug))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
