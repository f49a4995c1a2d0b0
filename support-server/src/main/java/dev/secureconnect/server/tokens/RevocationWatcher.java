package dev.secureconnect.server.tokens;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices tokens revoked by another process ({@code sc-server tokens revoke} writes the database; the daemon does not
 * hear of it otherwise). {@link #poll()} — run by the daemon about once a second — reads the revoked, unexpired
 * tokens (one indexed query) and reports those it has not seen before. Stream opens do not depend on this: they read
 * the database themselves; the watcher is for what must happen at once to streams already open and for telling the
 * appliances.
 *
 * <p>Not thread-safe: run {@link #poll()} from one thread.
 */
public final class RevocationWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationWatcher.class);

    private final TokenStore tokens;
    private final Consumer<List<UUID>> onRevoked;
    private final Set<UUID> known = new HashSet<>();

    /**
     * @param onRevoked receives the ids newly seen revoked (reset their streams, tell the appliances); not called
     *     when there are none
     */
    public RevocationWatcher(TokenStore tokens, Consumer<List<UUID>> onRevoked) {
        this.tokens = requireNonNull(tokens, "tokens");
        this.onRevoked = requireNonNull(onRevoked, "onRevoked");
    }

    /** One look at the database. */
    public void poll() {
        List<StoredToken.Revocation> revoked = tokens.revokedUnexpired();
        Set<UUID> current = new HashSet<>();
        List<UUID> fresh = new java.util.ArrayList<>();
        for (StoredToken.Revocation revocation : revoked) {
            current.add(revocation.id());
            if (!known.contains(revocation.id())) {
                fresh.add(revocation.id());
            }
        }
        known.retainAll(current); // expired ones drop out
        known.addAll(fresh);
        if (!fresh.isEmpty()) {
            LOG.info("{} access token(s) newly revoked: {}", fresh.size(), fresh);
            onRevoked.accept(fresh);
        }
    }
}
