package dev.secureconnect.tunnel.link;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A link on {@link EmbeddedChannel}s speaking real HTTP/2, with no sockets or threads: {@link #link} is the side that
 * opens streams (frame codec and multiplexer, as the server's end of a link), {@link #peer} answers them (a frame codec
 * whose stream frames go to the test, or a multiplexer serving each stream as the appliance does). {@link #pump} moves the bytes both ways and runs every channel's tasks until
 * nothing moves.
 */
public final class EmbeddedHttp2 implements AutoCloseable {

    public final EmbeddedChannel link;
    public final EmbeddedChannel peer;
    private final List<EmbeddedChannel> others = new ArrayList<>();

    /** @param peerFrames takes each stream frame the peer receives (and must release it) */
    public EmbeddedHttp2(Consumer<Http2StreamFrame> peerFrames) {
        this(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2StreamFrame frame) {
                    peerFrames.accept(frame);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
        });
    }

    /** @param peerHandler what follows the peer's frame codec (e.g. a multiplexer serving each stream) */
    public EmbeddedHttp2(ChannelHandler peerHandler) {
        link = new EmbeddedChannel(
                Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        peer = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(), peerHandler);
        pump();
    }

    /** Another channel (e.g. the socket side of a relay) whose tasks {@link #pump} runs too. */
    public void alsoRun(EmbeddedChannel channel) {
        others.add(channel);
    }

    /** Moves bytes both ways and runs tasks until nothing is left to do. */
    public void pump() {
        for (int round = 0; round < 200; round++) {
            link.runPendingTasks();
            peer.runPendingTasks();
            others.forEach(EmbeddedChannel::runPendingTasks);
            boolean moved = false;
            for (Object out; (out = link.readOutbound()) != null; moved = true) {
                peer.writeInbound(out);
            }
            for (Object out; (out = peer.readOutbound()) != null; moved = true) {
                link.writeInbound(out);
            }
            if (!moved
                    && !link.hasPendingTasks()
                    && !peer.hasPendingTasks()
                    && others.stream().noneMatch(EmbeddedChannel::hasPendingTasks)) {
                return;
            }
        }
        throw new AssertionError("the HTTP/2 exchange did not settle within 200 rounds");
    }

    @Override
    public void close() {
        others.forEach(EmbeddedChannel::finishAndReleaseAll);
        link.finishAndReleaseAll();
        peer.finishAndReleaseAll();
    }
}
