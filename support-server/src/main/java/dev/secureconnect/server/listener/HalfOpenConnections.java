package dev.secureconnect.server.listener;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One listener's connections whose TLS handshake has not finished, in all and per source address, held to its
 * {@link HalfOpenLimits}: a connection is counted at accept if both caps allow one more (else closed there, before
 * TLS), and stops counting when its handshake ends. Every TLS listener of the server uses one
 * ({@link MutualTlsListener}, the enrolment listener).
 */
public final class HalfOpenConnections {

    private final HalfOpenLimits limits;
    private final AtomicInteger all = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> bySource = new ConcurrentHashMap<>();

    public HalfOpenConnections(HalfOpenLimits limits) {
        this.limits = requireNonNull(limits, "limits");
    }

    /**
     * Counts a connection just accepted from {@code source}, before its TLS handler is made, if the caps allow one
     * more; the caller then {@linkplain #end ends} it when its handshake ends.
     *
     * @return false if it is over a cap: nothing was counted, and the caller closes the connection
     */
    public boolean start(InetAddress source) {
        if (all.incrementAndGet() > limits.perListener()) {
            all.decrementAndGet();
            return false;
        }
        AtomicInteger fromSource =
                bySource.compute(source, (address, count) -> count == null ? new AtomicInteger(1) : incremented(count));
        if (fromSource.get() > limits.perSource()) {
            end(source);
            return false;
        }
        return true;
    }

    private static AtomicInteger incremented(AtomicInteger count) {
        count.incrementAndGet();
        return count;
    }

    /** The handshake of a connection {@link #start} counted has ended (done, failed, timed out or closed). */
    public void end(InetAddress source) {
        all.decrementAndGet();
        bySource.computeIfPresent(source, (address, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
