package dev.secureconnect.server.blocks;

import java.net.InetAddress;

/**
 * What the listeners and the engineer API ask and tell about a source address: whether it is blocked (checked at
 * accept, so it must be cheap and never block), and that it just failed (counted towards a block).
 */
public interface SourceGuard {

    /** A guard that blocks nothing and counts nothing (tests and tools that run no daemon). */
    SourceGuard OPEN = new SourceGuard() {
        @Override
        public boolean isBlocked(InetAddress source) {
            return false;
        }

        @Override
        public void failed(InetAddress source, SourceFailure failure) {}
    };

    /** Whether connections from {@code source} are closed at accept. Never blocks: reads memory only. */
    boolean isBlocked(InetAddress source);

    /** Counts one failure of {@code source}; never blocks (the block, when one is due, is written elsewhere). */
    void failed(InetAddress source, SourceFailure failure);
}
