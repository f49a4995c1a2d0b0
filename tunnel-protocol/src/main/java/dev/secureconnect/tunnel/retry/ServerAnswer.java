package dev.secureconnect.tunnel.retry;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;

/**
 * Whether the server took part in an attempt: notes, in front of a client connection's pipeline, the first bytes the
 * server sends (its answer to the ClientHello), then leaves the pipeline. An attempt the server never answered met a
 * busy server ({@link #busy}), which {@link Backoff#nextWhenBusy} does not count as a failure.
 */
public final class ServerAnswer extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<Boolean> ANSWERED = AttributeKey.valueOf(ServerAnswer.class, "answered");

    private ServerAnswer() {}

    /** Watches {@code pipeline}'s connection for the server's first bytes: call before anything reads them. */
    public static void watch(ChannelPipeline pipeline) {
        pipeline.addFirst("server-answer", new ServerAnswer());
    }

    /** Whether the server has sent anything on {@code connection} ({@link #watch}ed). */
    public static boolean answered(Channel connection) {
        return Boolean.TRUE.equals(connection.attr(ANSWERED).get());
    }

    /**
     * Whether an attempt that failed met a busy server rather than a failure: its connect timed out (the server's
     * accept queue full, its SYNs dropped), or it connected and was closed, reset or timed out before the server sent a
     * byte (closed at accept, or left waiting in the accept queue). A refused connect (nothing listening) is a failure.
     *
     * @param connectFailure why the connect failed, or null if it connected
     */
    public static boolean busy(Channel connection, @Nullable Throwable connectFailure) {
        if (connectFailure != null) {
            return connectFailure instanceof ConnectTimeoutException;
        }
        return !answered(connection);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.channel().attr(ANSWERED).set(Boolean.TRUE);
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }
}
