package dev.secureconnect.server.blocks;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditTransaction;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The blocked source addresses (table {@code source_blocks}). Blocking and lifting a block append
 * {@code source.blocked} / {@code source.unblocked} in the same transaction as the change. Thread-safe.
 */
public final class BlockStore {

    private static final String COLUMNS = "source, reason, failures, blocked_at, blocked_until";

    private final Database database;
    private final ServerAuditLog audit;
    private final Clock clock;

    public BlockStore(Database database, ServerAuditLog audit, Clock clock) {
        this.database = requireNonNull(database, "database");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Blocks {@code block.source()} until {@code block.until()} (replacing an earlier block of it) and audits it. */
    public void block(SourceBlock block) {
        requireNonNull(block, "block");
        audit.inTransaction(transaction -> {
            delete(transaction, block.source());
            try (PreparedStatement insert = transaction
                    .connection()
                    .prepareStatement("INSERT INTO source_blocks (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, block.source());
                insert.setString(2, block.reason());
                insert.setInt(3, block.failures());
                insert.setLong(4, block.blockedAt().toEpochMilli());
                insert.setLong(5, block.until().toEpochMilli());
                insert.executeUpdate();
            }
            return transaction.append(ServerAuditEvent.builder(EventType.SOURCE_BLOCKED)
                    .source(block.source())
                    .outcome(ServerAuditEvent.Outcome.FAILURE)
                    .detail("reason", block.reason())
                    .detail("failures", Integer.toString(block.failures()))
                    .detail("until", block.until().toString())
                    .build());
        });
    }

    /** The blocks in force now, oldest first. */
    public List<SourceBlock> active() {
        return select("blocked_until > ?", clock.millis());
    }

    private List<SourceBlock> select(String condition, long now) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM source_blocks WHERE " + condition + " ORDER BY blocked_at, source")) {
                select.setLong(1, now);
                List<SourceBlock> blocks = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        blocks.add(new SourceBlock(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getInt(3),
                                Instant.ofEpochMilli(rs.getLong(4)),
                                Instant.ofEpochMilli(rs.getLong(5))));
                    }
                }
                return blocks;
            }
        });
    }

    /**
     * Lifts the block of {@code source} and audits {@code source.unblocked} with {@code actor}.
     *
     * @return the block lifted; empty when {@code source} was not blocked (nothing is audited then)
     */
    public Optional<SourceBlock> remove(String source, String actor, String reason) {
        requireNonNull(source, "source");
        Optional<SourceBlock> existing =
                active().stream().filter(b -> b.source().equals(source)).findFirst();
        if (existing.isEmpty()) {
            return existing;
        }
        audit.inTransaction(transaction -> {
            delete(transaction, source);
            return transaction.append(ServerAuditEvent.builder(EventType.SOURCE_UNBLOCKED)
                    .actor(actor)
                    .source(source)
                    .detail("reason", reason)
                    .build());
        });
        return existing;
    }

    /** Forgets the blocks that ended, auditing {@code source.unblocked} (reason {@code expired}) for each. */
    public List<SourceBlock> expire() {
        long now = clock.millis();
        List<SourceBlock> ended = select("blocked_until <= ?", now);
        List<SourceBlock> lifted = new ArrayList<>();
        for (SourceBlock block : ended) {
            boolean deleted = audit.inTransaction(transaction -> {
                try (PreparedStatement delete = transaction
                        .connection()
                        .prepareStatement("DELETE FROM source_blocks WHERE source = ? AND blocked_until <= ?")) {
                    delete.setString(1, block.source());
                    delete.setLong(2, now);
                    if (delete.executeUpdate() == 0) {
                        return false; // blocked again meanwhile
                    }
                }
                transaction.append(ServerAuditEvent.builder(EventType.SOURCE_UNBLOCKED)
                        .source(block.source())
                        .detail("reason", "expired")
                        .build());
                return true;
            });
            if (deleted) {
                lifted.add(block);
            }
        }
        return lifted;
    }

    private static void delete(AuditTransaction transaction, String source) throws SQLException {
        try (PreparedStatement delete =
                transaction.connection().prepareStatement("DELETE FROM source_blocks WHERE source = ?")) {
            delete.setString(1, source);
            delete.executeUpdate();
        }
    }
}
