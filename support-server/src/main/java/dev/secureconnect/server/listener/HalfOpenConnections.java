package dev.secureconnect.server.listener;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One listener's connections whose TLS handshake has not finished, held to its {@link HalfOpenLimits}, the one home
 * of both caps for every TLS listener of the server ({@link MutualTlsListener}, the enrolment listener):
 *
 * <ul>
 *   <li>in all: at {@link HalfOpenLimits#perListener} the listener stops accepting until they are down to 90 % of it
 *       ({@link AcceptPause}, in the listening channel's pipeline, counting every accepted connection), new
 *       connections waiting in a short accept queue ({@value #ACCEPT_BACKLOG});
 *   <li>per source address: a connection over {@link HalfOpenLimits#perSource} is closed at accept, before TLS
 *       ({@link #start}), so that one address cannot hold the whole listener.
 * </ul>
 *
 * A connection stops counting when its handshake ends ({@link #end}) or it closes.
 */
public final class HalfOpenConnections {

    /**
     * The accept queue asked of the kernel (capped by {@code net.core.somaxconn}): where connections wait while the
     * listener holds its cap of unfinished handshakes. Short, so that a waiting connection is taken within a few seconds
     * (a few hundred handshakes a second), before its client's handshake time-out.
     */
    static final int ACCEPT_BACKLOG = 512;

    private final HalfOpenLimits limits;
    private final AcceptPause acceptPause;
    private final Map<InetAddress, AtomicInteger> bySource = new ConcurrentHashMap<>();

    /** @param listener the listener's name, for the log */
    public HalfOpenConnections(String listener, HalfOpenLimits limits) {
        this.limits = requireNonNull(limits, "limits");
        this.acceptPause = new AcceptPause(requireNonNull(listener, "listener"), limits.perListener());
    }

    /** Sets up {@code bootstrap}'s listening channel for the cap in all: the short accept queue and the pause. */
    public ServerBootstrap pauseAtCap(ServerBootstrap bootstrap) {
        return bootstrap.option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG).handler(acceptPause);
    }

    /**
     * Counts a connection just accepted from {@code source}, before its TLS handler is made, if its source's cap
     * allows one more; the caller then {@linkplain #end ends} it when its handshake ends.
     *
     * @return false if it is over its source's cap: nothing was counted, and the caller closes the connection
     */
    public boolean start(InetAddress source) {
        AtomicInteger fromSource =
                bySource.compute(source, (address, count) -> count == null ? new AtomicInteger(1) : incremented(count));
        if (fromSource.get() > limits.perSource()) {
            endOfSource(source);
            return false;
        }
        return true;
    }

    private static AtomicInteger incremented(AtomicInteger count) {
        count.incrementAndGet();
        return count;
    }

    /**
     * The handshake of {@code connection}, which {@link #start} counted, has ended (done, failed, timed out or
     * closed): it no longer counts, towards its source's cap or the listener's. Any thread, once.
     */
    public void end(Channel connection, InetAddress source) {
        endOfSource(source);
        AcceptPause.handshakeEnded(connection);
    }

    private void endOfSource(InetAddress source) {
        bySource.computeIfPresent(source, (address, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
