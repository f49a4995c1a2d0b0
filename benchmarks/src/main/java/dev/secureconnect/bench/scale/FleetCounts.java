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
    /**
     * Those of {@link #failures} that met a busy server (connect timed out, or closed before the server's first byte),
     * which do not double the back-off.
     */
    final AtomicInteger busy = new AtomicInteger();

    final AtomicInteger handshakeFailures = new AtomicInteger();
    /** Handshakes that completed with the link's ALPN, on the links (not the {@code handshakes} measurement). */
    final AtomicInteger handshakes = new AtomicInteger();
    /** Those of {@link #handshakes} that resumed an earlier session (a TLS 1.3 ticket) instead of a full one. */
    final AtomicInteger resumed = new AtomicInteger();

    final AtomicInteger refused = new AtomicInteger();

    /**
     * Attempts whose ClientHello offered the ticket of the appliance's last link (the JDK's client takes a TLS 1.3
     * ticket out of its cache as it sends it: a ticket is offered once).
     */
    final AtomicInteger ticketsOffered = new AtomicInteger();
    /**
     * Those of {@link #ticketsOffered} whose handshake did not finish: the ticket is spent (on JDK 17, which holds one
     * ticket per server, the next handshake is a full one).
     */
    final AtomicInteger ticketsLost = new AtomicInteger();
    /** Those of {@link #ticketsLost} that the appliance's handshake time-out ended. */
    final AtomicInteger ticketsLostToTimeout = new AtomicInteger();
    /** Those of {@link #ticketsLost} that the server closed before the handshake was done (at accept or later). */
    final AtomicInteger ticketsLostToClose = new AtomicInteger();

    String line() {
        return "count admitted=" + admitted.get() + " connections=" + connections.get() + " failures=" + failures.get()
                + " busy=" + busy.get()
                + " handshakeFailures=" + handshakeFailures.get() + " refused=" + refused.get() + " handshakes="
                + handshakes.get() + " resumed=" + resumed.get() + " ticketsOffered=" + ticketsOffered.get()
                + " ticketsLost=" + ticketsLost.get() + " ticketsLostToTimeout=" + ticketsLostToTimeout.get()
                + " ticketsLostToClose=" + ticketsLostToClose.get();
    }
}
