package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An {@link ServerAuditEvent} as the log holds it: numbered, timed and chained.
 *
 * @param seq 1 for the first record, one more for each record after it
 * @param time when it was appended, to the millisecond
 * @param event what happened
 * @param prevHash the hash of record {@code seq - 1} ({@code HashChain.GENESIS} for record 1)
 * @param hash {@code HashChain.link(prevHash, canonical encoding)}, see {@link ServerAuditLog}
 */
public record ServerAuditRecord(long seq, Instant time, ServerAuditEvent event, String prevHash, String hash) {

    public ServerAuditRecord {
        if (seq < 1) {
            throw new IllegalArgumentException("seq: " + seq + " (expected: > 0)");
        }
        requireNonNull(time, "time");
        requireNonNull(event, "event");
        requireNonNull(prevHash, "prevHash");
        requireNonNull(hash, "hash");
    }
}
