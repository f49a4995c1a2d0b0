package dev.secureconnect.server.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a listener accepting while it holds its cap of connections whose TLS handshake has not finished, and starts
 * again once they are down to {@link #resumeAt} (90 % of the cap): meanwhile new connections wait in the kernel's
 * accept queue ({@link HalfOpenConnections#ACCEPT_BACKLOG}), and once that is full the kernel drops their SYNs, so a
 * client's connect waits and retries instead of being closed. Sits in the listening channel's pipeline (its event
 * loop decides, one accepted connection per read) and counts each accepted connection until its handshake ends
 * ({@link #handshakeEnded}) or it closes, whichever comes first.
 */
final class AcceptPause extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptPause.class);
    private static final AttributeKey<Runnable> END = AttributeKey.valueOf(AcceptPause.class, "end");

    private final String name;
    private final int cap;
    private final int resumeAt;
    /** Accepted connections whose handshake has not ended. */
    private final AtomicInteger open = new AtomicInteger();

    private volatile @Nullable Channel listening;

    /** @param cap the listener's cap on unfinished handshakes ({@link HalfOpenLimits#perListener}) */
    AcceptPause(String name, int cap) {
        this.name = name;
        this.cap = cap;
        this.resumeAt = cap * 9 / 10;
    }

    /** The connection's handshake ended (done, failed or timed out): it no longer counts. Any thread, any times. */
    static void handshakeEnded(Channel connection) {
        Runnable end = connection.attr(END).get();
        if (end != null) {
            end.run();
        }
    }

    /** Connections accepted whose handshake has not ended. */
    int open() {
        return open.get();
    }

    /** Accepting again once no more than this many handshakes are unfinished. */
    int resumeAt() {
        return resumeAt;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        listening = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel connection) {
            AtomicBoolean ended = new AtomicBoolean();
            Runnable end = () -> {
                if (ended.compareAndSet(false, true)) {
                    ended();
                }
            };
            connection.attr(END).set(end);
            connection.closeFuture().addListener(closed -> end.run());
            if (open.incrementAndGet() >= cap) {
                pause(ctx.channel());
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** On the listener's event loop. */
    private void pause(Channel server) {
        if (server.config().isAutoRead()) {
            server.config().setAutoRead(false);
            LOG.debug(
                    "{} listener holds {} unfinished handshakes, its cap: not accepting until {}",
                    name,
                    open.get(),
                    resumeAt);
        }
        resumeIfBelow(); // the handshakes may have ended before the pause showed: resume then, or never
    }

    private void ended() {
        if (open.decrementAndGet() <= resumeAt) {
            Channel server = listening;
            if (server != null && !server.config().isAutoRead()) {
                server.eventLoop().execute(this::resumeIfBelow);
            }
        }
    }

    /** On the listener's event loop. */
    private void resumeIfBelow() {
        Channel server = listening;
        if (server != null && !server.config().isAutoRead() && open.get() <= resumeAt) {
            server.config().setAutoRead(true);
            LOG.debug("{} listener accepting again ({} unfinished handshakes)", name, open.get());
        }
    }
}
