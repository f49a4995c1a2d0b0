package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.storage.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the chain head: appends an {@code audit.checkpoint} record and, in the same transaction, stores the audit
 * key's signature over that record's hash in {@code audit_checkpoints}. Once committed, the checkpoint is also
 * written outside the database, to the anchor file ({@link AuditAnchor}), when one is given. Thread-safe.
 */
public final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final ObjectMapper JSON = Mappers.json();
    private static final String SELECT = "SELECT seq, hash, signed_at, key_id, jws FROM audit_checkpoints";
    private static final String BETWEEN = SELECT + " WHERE seq >= ? AND seq <= ? ORDER BY seq";

    private final Database database;
    private final ServerAuditLog audit;
    private final AuditKey key;
    private final String node;
    private final Clock clock;
    private final Optional<Path> anchorFile;

    /** Checkpoints kept in the database only (no anchor file). */
    public Checkpoints(Database database, ServerAuditLog audit, AuditKey key, String node, Clock clock) {
        this(database, audit, key, node, clock, Optional.empty());
    }

    /**
     * Checkpoints that are also written, each once committed, to {@code anchorFile} (usually
     * {@link AuditAnchor#in(Path) DIR/audit-anchor.json}).
     */
    public Checkpoints(
            Database database,
            ServerAuditLog audit,
            AuditKey key,
            String node,
            Clock clock,
            Optional<Path> anchorFile) {
        this.database = requireNonNull(database, "database");
        this.audit = requireNonNull(audit, "audit");
        this.key = requireNonNull(key, "key");
        this.node = requireNonNull(node, "node");
        this.clock = requireNonNull(clock, "clock");
        this.anchorFile = requireNonNull(anchorFile, "anchorFile");
    }

    /**
     * Signs a checkpoint when at least {@code every} records were appended since the last one, or when any record
     * was appended and the last one is older than {@code interval}. A quiet log gets no checkpoint.
     */
    public Optional<Checkpoint> signIfDue(long every, Duration interval) {
        Optional<Checkpoint> last = last();
        long since = last.map(Checkpoint::seq).orElse(0L);
        long pending = audit.lastSeq() - since;
        boolean old = last.map(c -> !c.signedAt().plus(interval).isAfter(clock.instant()))
                .orElse(true);
        if (pending >= every || (pending > 0 && old)) {
            return Optional.of(sign());
        }
        return Optional.empty();
    }

    /** Signs a checkpoint now, whatever the last one. */
    public Checkpoint sign() {
        Checkpoint checkpoint = audit.inTransaction(transaction -> {
            long previous = last(transaction.connection()).map(Checkpoint::seq).orElse(0L);
            ServerAuditRecord record = transaction.append(ServerAuditEvent.builder(EventType.AUDIT_CHECKPOINT)
                    .actor("sc-server")
                    .detail("previousCheckpoint", previous)
                    .detail("keyId", key.keyId())
                    .build());
            Instant signedAt = clock.instant();
            String jws = key.sign(claims(record.seq(), record.hash(), signedAt));
            Checkpoint signed = new Checkpoint(record.seq(), record.hash(), signedAt, key.keyId(), jws);
            try (PreparedStatement insert = transaction
                    .connection()
                    .prepareStatement(
                            "INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, jws) VALUES (?, ?, ?, ?, ?)")) {
                insert.setLong(1, signed.seq());
                insert.setString(2, signed.hash());
                insert.setLong(3, signedAt.toEpochMilli());
                insert.setString(4, signed.keyId());
                insert.setString(5, jws);
                insert.executeUpdate();
            }
            return signed;
        });
        LOG.info("audit checkpoint signed at seq {} with key {}", checkpoint.seq(), checkpoint.keyId());
        anchorFile.ifPresent(file -> AuditAnchor.writeIfNewer(file, new AuditAnchor(node, checkpoint)));
        return checkpoint;
    }

    /** The newest checkpoint, if any. */
    public Optional<Checkpoint> last() {
        return database.withConnection(Checkpoints::last);
    }

    /** The checkpoints with {@code from <= seq <= to}, oldest first. */
    public List<Checkpoint> between(long from, long to) {
        return database.withConnection(connection -> select(connection, BETWEEN, from, to));
    }

    /** The first checkpoint at or after {@code seq}, if any. */
    public Optional<Checkpoint> firstFrom(long seq) {
        List<Checkpoint> found =
                database.withConnection(connection -> select(connection, BETWEEN + " LIMIT 1", seq, Long.MAX_VALUE));
        return found.stream().findFirst();
    }

    /** The signature (compact JWS) of the checkpoint at record {@code seq}, if that record is a signed checkpoint. */
    static Optional<String> jwsAt(Connection connection, long seq) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT jws FROM audit_checkpoints WHERE seq = ?")) {
            select.setLong(1, seq);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    static String claims(long seq, String hash, Instant signedAt, String node) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("seq", seq);
        claims.put("hash", hash);
        claims.put("node", node);
        claims.put("signedAt", signedAt.toString());
        try {
            return JSON.writeValueAsString(claims);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode checkpoint claims", e);
        }
    }

    private String claims(long seq, String hash, Instant signedAt) {
        return claims(seq, hash, signedAt, node);
    }

    /**
     * Why {@code checkpoint} does not vouch for the record {@code seq} with {@code recordHash}, or empty when it
     * does: signed by {@code key}, over that seq and hash.
     */
    static Optional<String> problem(Checkpoint checkpoint, String recordHash, AuditPublicKey key) {
        long seq = checkpoint.seq();
        String claims;
        try {
            claims = key.verifiedClaims(checkpoint.jws());
        } catch (IllegalArgumentException e) {
            return Optional.of("checkpoint at record " + seq + " is refused: " + e.getMessage());
        }
        try {
            JsonNode signed = JSON.readTree(claims);
            if (signed.path("seq").asLong(-1) != seq
                    || !signed.path("hash").asText("").equals(recordHash)) {
                return Optional.of("checkpoint at record " + seq + " signs record "
                        + signed.path("seq").asText() + " with hash "
                        + signed.path("hash").asText() + ", not this record's hash " + recordHash);
            }
        } catch (JsonProcessingException e) {
            return Optional.of("checkpoint at record " + seq + " has unreadable signed claims");
        }
        if (!checkpoint.hash().equals(recordHash)) {
            return Optional.of("checkpoint at record " + seq + " was changed: its stored hash is not the record's");
        }
        return Optional.empty();
    }

    /**
     * Checks every checkpoint of records {@code 1..upTo} against the records (whose chain the caller verified) and
     * {@code key}, and that every {@code audit.checkpoint} record has its signature. Returns the first bad seq and
     * why, or the number checked and the last checkpoint's seq.
     */
    static CheckResult check(Connection connection, AuditPublicKey key, long upTo) throws SQLException {
        List<Checkpoint> checkpoints = select(connection, BETWEEN, 0, upTo);
        Map<Long, String> checkpointRecords = new LinkedHashMap<>(); // audit.checkpoint records: seq -> hash
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT seq, hash FROM audit_log WHERE event_id = ? AND seq <= ? ORDER BY seq")) {
            select.setInt(1, EventType.AUDIT_CHECKPOINT.id());
            select.setLong(2, upTo);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    checkpointRecords.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        long firstBad = Long.MAX_VALUE;
        String why = null;
        for (Checkpoint checkpoint : checkpoints) {
            String recordHash = checkpointRecords.remove(checkpoint.seq());
            Optional<String> problem = recordHash == null
                    ? Optional.of("checkpoint at record " + checkpoint.seq()
                            + " signs a record that is not an audit.checkpoint record (moved or replaced)")
                    : problem(checkpoint, recordHash, key);
            if (problem.isPresent()) {
                firstBad = checkpoint.seq();
                why = problem.get();
                break;
            }
        }
        for (long unsigned : checkpointRecords.keySet()) {
            if (unsigned < firstBad) {
                firstBad = unsigned;
                why = "record " + unsigned + " is an audit.checkpoint whose signature was deleted";
            }
            break;
        }
        long last = checkpoints.isEmpty()
                ? 0
                : checkpoints.get(checkpoints.size() - 1).seq();
        return new CheckResult(firstBad == Long.MAX_VALUE ? 0 : firstBad, why, checkpoints.size(), last);
    }

    /** What {@link #check} found: {@code firstBadSeq} 0 when every checkpoint is good. */
    record CheckResult(long firstBadSeq, @Nullable String problem, int checked, long lastSeq) {}

    private static Optional<Checkpoint> last(Connection connection) throws SQLException {
        try (Statement select = connection.createStatement();
                ResultSet rs = select.executeQuery(SELECT + " ORDER BY seq DESC LIMIT 1")) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static List<Checkpoint> select(Connection connection, String sql, long from, long to) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, from);
            select.setLong(2, to);
            try (ResultSet rs = select.executeQuery()) {
                List<Checkpoint> found = new ArrayList<>();
                while (rs.next()) {
                    found.add(read(rs));
                }
                return found;
            }
        }
    }

    private static Checkpoint read(ResultSet rs) throws SQLException {
        return new Checkpoint(
                rs.getLong("seq"),
                rs.getString("hash"),
                Instant.ofEpochMilli(rs.getLong("signed_at")),
                rs.getString("key_id"),
                rs.getString("jws"));
    }
}
