package dev.secureconnect.bench.scale;

import java.util.concurrent.atomic.AtomicInteger;

/** What the fleet's appliances report, counted across every event loop. */
final class FleetCounts {
    /** Links whose ticket the server accepted and that are still up. */
    final AtomicInteger admitted = new AtomicInteger();
    /** Connections open or being opened. */
    final AtomicInteger connections = new AtomicInteger();
    /** Attempts that ended without the link staying up (each followed by a back-off). */
    final AtomicInteger failures = new AtomicInteger();

    final AtomicInteger handshakeFailures = new AtomicInteger();
    /** Handshakes that completed with the link's ALPN, on the links (not the {@code handshakes} measurement). */
    final AtomicInteger handshakes = new AtomicInteger();
    /** Those of {@link #handshakes} that resumed an earlier session (a TLS 1.3 ticket) instead of a full one. */
    final AtomicInteger resumed = new AtomicInteger();

    final AtomicInteger refused = new AtomicInteger();

    String line() {
        return "count admitted=" + admitted.get() + " connections=" + connections.get() + " failures=" + failures.get()
                + " handshakeFailures=" + handshakeFailures.get() + " refused=" + refused.get() + " handshakes="
                + handshakes.get() + " resumed=" + resumed.get();
    }
}
