package dev.secureconnect.tunnel.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Holds what a socket reads before its {@link Relay} is in place. A socket made with {@code autoRead} off reads
 * nothing until asked, except on Netty's epoll transport, which reads a socket whose peer has half-closed
 * ({@code EPOLLRDHUP}) whatever {@code autoRead} says: a client that writes and closes at once would lose its bytes,
 * and the end of its direction, to the pipeline's tail before the stream it is relayed to is open. Add it to the
 * socket's pipeline when the socket is made (a new one per socket); {@link Relay#start} replays what it held, in
 * order, to the relay's handler and removes it. What it holds is at most one read loop's worth (the socket reads
 * nothing more once its input has ended) and is released if the socket closes first.
 */
public final class HeldInput extends ChannelInboundHandlerAdapter {

    private final List<Object> held = new ArrayList<>(); // read buffers and input-shutdown events, in order
    private @Nullable ChannelHandlerContext context;
    private boolean replayed;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (replayed) {
            ctx.fireChannelRead(msg);
        } else {
            held.add(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (replayed) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!replayed
                && (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete)) {
            held.add(evt);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** How many reads and events it holds (tests). */
    int size() {
        return held.size();
    }

    /**
     * On the channel's event loop, once the relay's handler is behind this one: passes on what was held, in order, then
     * leaves the pipeline.
     */
    void replay() {
        ChannelHandlerContext ctx = context;
        if (ctx == null || replayed) {
            return;
        }
        assert ctx.executor().inEventLoop();
        replayed = true;
        boolean reading = false;
        for (Object item : held) {
            if (item instanceof ChannelInputShutdownEvent || item instanceof ChannelInputShutdownReadComplete) {
                if (reading) {
                    ctx.fireChannelReadComplete(); // as the socket did: the reads' end before the input's
                    reading = false;
                }
                ctx.fireUserEventTriggered(item);
            } else {
                reading = true;
                ctx.fireChannelRead(item);
            }
        }
        held.clear();
        if (reading) {
            ctx.fireChannelReadComplete();
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        held.forEach(ReferenceCountUtil::release); // the socket closed before its relay started
        held.clear();
    }
}
