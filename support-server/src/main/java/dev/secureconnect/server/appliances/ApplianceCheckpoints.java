package dev.secureconnect.server.appliances;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.chain.ChainCheckpoint;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditTransaction;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.tunnel.link.LinkException;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest signed checkpoint of each appliance's own audit log ({@code appliance_checkpoints}): what lets the
 * server say "the appliance's log held N records, the last with hash H, signed at T", and what an auditor checks the
 * appliance's log against ({@code sc-appliance audit verify --anchor}). A checkpoint is kept only when it verifies
 * with the key of the appliance's link certificate, names that appliance, and does not go back: a lower seq than the
 * one held, or another hash at the same seq, means the appliance's log was cut or rewritten, and is audited as
 * {@code appliance.checkpoint-refused} (the held checkpoint stays). A higher seq is kept only once the appliance has
 * shown that its log still extends the checkpoint held (seq S, hash H): asked over the link ({@link RecordHashes},
 * {@code GET /v1/audit/hash?seq=S}), it must answer H; another hash (the log was cut below S and grown past it
 * again), no record at S, or no answer is refused the same way. Thread-safe; one appliance's checkpoints are taken one
 * at a time.
 */
public final class ApplianceCheckpoints {

    private static final Logger LOG = LoggerFactory.getLogger(ApplianceCheckpoints.class);
    private static final String SELECT =
            "SELECT serial, seq, hash, signed_at, received_at, jws FROM appliance_checkpoints";

    /** What became of a checkpoint the appliance sent. */
    public enum Received {
        /** Newer than the one held: kept, and audited {@code appliance.checkpoint}. */
        KEPT,
        /** The one already held: nothing to do. */
        SAME,
        /** Refused and audited {@code appliance.checkpoint-refused}. */
        REFUSED
    }

    /**
     * A checkpoint the server holds.
     *
     * @param checkpoint the appliance's signed checkpoint
     * @param receivedAt when the server received it
     */
    public record Held(ChainCheckpoint checkpoint, Instant receivedAt) {
        public Held {
            requireNonNull(checkpoint, "checkpoint");
            requireNonNull(receivedAt, "receivedAt");
        }
    }

    /**
     * Asks an appliance, over its link, for the hash of the record at a seq of its audit log, and waits for the answer.
     */
    @FunctionalInterface
    public interface RecordHashes {
        /**
         * The hash of the record at {@code seq} in the appliance's audit log.
         *
         * @throws LinkException with a one-line reason when the appliance does not tell it: no record at {@code seq}
         *     (its log is shorter), a read error, no answer in time, a malformed answer
         */
        String at(long seq);
    }

    private final Database database;
    private final ServerAuditLog audit;
    private final Clock clock;
    /** One lock per appliance: its checkpoints are checked and kept one at a time. */
    private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

    public ApplianceCheckpoints(Database database, ServerAuditLog audit, Clock clock) {
        this.database = requireNonNull(database, "database");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Verifies the checkpoint {@code jws} that appliance {@code serial} sent over its link, whose certificate has
     * {@code key}, and keeps it if it is newer than the one held and the appliance's log still extends that one.
     * Blocking (it may wait for the appliance's answer): not on an event loop.
     *
     * @param source the link's remote address, for the audit record
     * @param appliance asked for the hash of its record at the held checkpoint's seq when {@code jws} goes past it
     */
    public Received receive(String serial, PublicKey key, String jws, String source, RecordHashes appliance) {
        requireNonNull(serial, "serial");
        requireNonNull(key, "key");
        requireNonNull(jws, "jws");
        requireNonNull(appliance, "appliance");
        ChainCheckpoint checkpoint;
        try {
            checkpoint = ChainCheckpoint.verified(jws, key);
        } catch (CryptoException e) {
            return refuse(serial, source, Optional.empty(), Optional.empty(), e.getMessage());
        }
        if (!checkpoint.serial().equals(serial)) {
            return refuse(
                    serial,
                    source,
                    Optional.of(checkpoint),
                    Optional.empty(),
                    "it is the checkpoint of appliance " + OneLine.quoted(checkpoint.serial())
                            + ", sent over the link of " + serial);
        }
        synchronized (locks.computeIfAbsent(serial, unused -> new Object())) {
            Optional<Held> before = held(serial);
            if (before.isPresent()
                    && checkpoint.seq() > before.get().checkpoint().seq()) {
                String broken = extensionRefusal(appliance, before.get().checkpoint());
                if (broken != null) {
                    return refuse(serial, source, Optional.of(checkpoint), before, broken);
                }
            }
            return keep(serial, source, checkpoint);
        }
    }

    /**
     * Why the appliance's log, asked for its record at {@code stored}'s seq, does not show that it extends
     * {@code stored}; null when it does.
     */
    private static @Nullable String extensionRefusal(RecordHashes appliance, ChainCheckpoint stored) {
        String held = " the checkpoint the server holds (seq " + stored.seq() + ", signed " + stored.signedAt() + ")";
        String hash;
        try {
            hash = appliance.at(stored.seq());
        } catch (LinkException e) {
            return "the appliance's audit log cannot be shown to extend" + held + ": "
                    + OneLine.of(String.valueOf(e.getMessage()));
        }
        if (!hash.equals(stored.hash())) {
            return "the appliance's audit log does not extend" + held + ": its record at seq " + stored.seq()
                    + " has another hash, so the log was cut below it and grown past it again";
        }
        return null;
    }

    /** Keeps {@code checkpoint} unless it goes back from the one held (checked again in the transaction). */
    private Received keep(String serial, String source, ChainCheckpoint checkpoint) {
        return audit.inTransaction(transaction -> {
            Optional<Held> held = held(transaction.connection(), serial);
            if (held.isPresent()) {
                ChainCheckpoint stored = held.get().checkpoint();
                if (checkpoint.seq() < stored.seq()) {
                    return refused(
                            transaction,
                            serial,
                            source,
                            Optional.of(checkpoint),
                            held,
                            "seq " + checkpoint.seq()
                                    + " is lower than the seq " + stored.seq() + " the server holds (signed "
                                    + stored.signedAt()
                                    + "): the appliance's audit log was cut or rewritten");
                }
                if (checkpoint.seq() == stored.seq()) {
                    if (checkpoint.hash().equals(stored.hash())) {
                        return Received.SAME;
                    }
                    return refused(
                            transaction,
                            serial,
                            source,
                            Optional.of(checkpoint),
                            held,
                            "another hash at seq "
                                    + checkpoint.seq()
                                    + " than the checkpoint the server holds: the appliance's audit log was"
                                    + " rewritten");
                }
            }
            try (PreparedStatement upsert = transaction
                    .connection()
                    .prepareStatement(
                            "INSERT INTO appliance_checkpoints (serial, seq, hash, signed_at, received_at, jws) VALUES"
                                    + " (?, ?, ?, ?, ?, ?) ON CONFLICT (serial) DO UPDATE SET seq = excluded.seq,"
                                    + " hash = excluded.hash, signed_at = excluded.signed_at,"
                                    + " received_at = excluded.received_at, jws = excluded.jws")) {
                upsert.setString(1, serial);
                upsert.setLong(2, checkpoint.seq());
                upsert.setString(3, checkpoint.hash());
                upsert.setLong(4, checkpoint.signedAt().toEpochMilli());
                upsert.setLong(5, clock.millis());
                upsert.setString(6, checkpoint.jws());
                upsert.executeUpdate();
            }
            transaction.append(event(EventType.APPLIANCE_CHECKPOINT, serial, source, checkpoint)
                    .detail("previousSeq", held.map(h -> h.checkpoint().seq()).orElse(0L))
                    .build());
            return Received.KEPT;
        });
    }

    /** The checkpoint held for {@code serial}, if any. */
    public Optional<Held> held(String serial) {
        return database.withConnection(connection -> held(connection, serial));
    }

    /** Every checkpoint held, by serial. */
    public Map<String, Held> all() {
        return database.withConnection(connection -> {
            Map<String, Held> all = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(SELECT + " ORDER BY serial");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    all.put(rs.getString("serial"), read(rs));
                }
            }
            return all;
        });
    }

    private Received refuse(
            String serial,
            String source,
            Optional<ChainCheckpoint> checkpoint,
            Optional<Held> held,
            @Nullable String reason) {
        return audit.inTransaction(transaction -> refused(transaction, serial, source, checkpoint, held, reason));
    }

    private static Received refused(
            AuditTransaction transaction,
            String serial,
            String source,
            Optional<ChainCheckpoint> checkpoint,
            Optional<Held> held,
            @Nullable String reason)
            throws SQLException {
        LOG.warn("appliance {}: audit checkpoint refused: {}", serial, reason);
        ServerAuditEvent.Builder event = checkpoint
                .map(c -> event(EventType.APPLIANCE_CHECKPOINT_REFUSED, serial, source, c))
                .orElseGet(() -> ServerAuditEvent.builder(EventType.APPLIANCE_CHECKPOINT_REFUSED)
                        .actor(serial)
                        .appliance(serial)
                        .source(source));
        held.ifPresent(h -> event.detail("storedSeq", h.checkpoint().seq()));
        transaction.append(event.outcome(ServerAuditEvent.Outcome.FAILURE)
                .detail("reason", reason)
                .build());
        return Received.REFUSED;
    }

    private static ServerAuditEvent.Builder event(
            EventType type, String serial, String source, ChainCheckpoint checkpoint) {
        return ServerAuditEvent.builder(type)
                .actor(serial)
                .appliance(serial)
                .source(source)
                .detail("checkpointSeq", checkpoint.seq())
                .detail("checkpointHash", checkpoint.hash())
                .detail("signedAt", checkpoint.signedAt().toString());
    }

    private static Optional<Held> held(Connection connection, String serial) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT + " WHERE serial = ?")) {
            select.setString(1, serial);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Held read(ResultSet rs) throws SQLException {
        return new Held(
                new ChainCheckpoint(
                        rs.getString("serial"),
                        rs.getLong("seq"),
                        rs.getString("hash"),
                        Instant.ofEpochMilli(rs.getLong("signed_at")),
                        rs.getString("jws")),
                Instant.ofEpochMilli(rs.getLong("received_at")));
    }
}
