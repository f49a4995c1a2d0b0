package dev.secureconnect.server.callhome;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditTransaction;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The bundles appliances sent: a row in {@code callhome_bundles} and the compressed body, as received, in
 * {@code SERVER_DIR/callhome/SERIAL/ID.json.gz}. The file is written (durably) before the row and the
 * {@code callhome.received} record commit together, so a listed bundle always has its body. Thread-safe; every method
 * blocks (the blocking executor or a CLI).
 */
public final class BundleStore {

    /** The folder of the bundles, inside the server directory. */
    public static final String FOLDER = "callhome";

    private static final String COLUMNS = "id, appliance, created_at, received_at, trigger_kind, version,"
            + " compressed_bytes, json_bytes, sha256, summary, body_file";

    private final Path serverDir;
    private final Database database;
    private final ServerAuditLog audit;
    private final Clock clock;

    public BundleStore(Path serverDir, Database database, ServerAuditLog audit, Clock clock) {
        this.serverDir = requireNonNull(serverDir, "serverDir");
        this.database = requireNonNull(database, "database");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Whether {@link #store} kept a new bundle or found it already there. */
    public enum Outcome {
        STORED,
        ALREADY_STORED
    }

    /**
     * Stores a bundle that passed the parser, from {@code appliance} (its certificate's serial), and audits
     * {@code callhome.received}.
     *
     * @throws BundleRefusedException 409 when the id is stored with other content or for another appliance
     */
    public Outcome store(ReceivedBundle bundle, String appliance, String source, byte[] compressed, byte[] json) {
        String sha256 = HashChain.sha256Hex(json);
        Optional<StoredBundle> existing = find(bundle.id());
        if (existing.isPresent()) {
            return sameOrReplay(existing.get(), appliance, sha256);
        }
        String bodyFile = FOLDER + "/" + appliance + "/" + bundle.id() + ".json.gz";
        Path file = serverDir.resolve(bodyFile);
        try {
            DurableFiles.write(file, compressed, DurableFiles.Access.OWNER_ONLY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + OneLine.of(e.getMessage()), e);
        }
        Instant now = clock.instant();
        StoredBundle row = new StoredBundle(
                bundle.id(),
                appliance,
                bundle.createdAt(),
                now,
                bundle.trigger(),
                bundle.version(),
                compressed.length,
                json.length,
                sha256,
                bundle.summary(),
                bodyFile);
        try {
            audit.inTransaction(transaction -> {
                insert(transaction.connection(), row);
                heartbeat(transaction.connection(), appliance, now);
                return transaction.append(ServerAuditEvent.builder(EventType.CALLHOME_RECEIVED)
                        .actor(appliance)
                        .appliance(appliance)
                        .source(source)
                        .detail("bundleId", bundle.id())
                        .detail("trigger", bundle.trigger())
                        .detail("version", bundle.version())
                        .detail("sha256", sha256)
                        .detail("size", compressed.length)
                        .build());
            });
        } catch (RuntimeException e) {
            Optional<StoredBundle> raced = find(bundle.id());
            if (raced.isPresent()) {
                return sameOrReplay(raced.get(), appliance, sha256);
            }
            deleteQuietly(file);
            throw e;
        }
        return Outcome.STORED;
    }

    private static Outcome sameOrReplay(StoredBundle existing, String appliance, String sha256) {
        if (existing.appliance().equals(appliance) && existing.sha256().equals(sha256)) {
            return Outcome.ALREADY_STORED;
        }
        throw new BundleRefusedException(
                409, "bundle id " + existing.id() + " is already stored with other content: a replayed id");
    }

    /** Audits a refused bundle ({@code callhome.refused}). */
    public void refused(String appliance, String source, @Nullable String bundleId, int status, String reason) {
        audit.append(ServerAuditEvent.builder(EventType.CALLHOME_REFUSED)
                .actor(appliance)
                .appliance(appliance)
                .source(source)
                .outcome(ServerAuditEvent.Outcome.FAILURE)
                .detail("bundleId", bundleId)
                .detail("status", status)
                .detail("reason", OneLine.of(reason))
                .build());
    }

    public Optional<StoredBundle> find(String id) {
        return database.withConnection(connection -> {
            List<StoredBundle> rows = select(connection, "id = ?", id, 1);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        });
    }

    /** The newest {@code limit} bundles, of {@code appliance} or of all; newest first. */
    public List<StoredBundle> list(@Nullable String appliance, int limit) {
        return database.withConnection(connection -> appliance == null
                ? select(connection, null, null, limit)
                : select(connection, "appliance = ?", appliance, limit));
    }

    /** The bundle's JSON, read from its file. */
    public String json(StoredBundle bundle) {
        try {
            byte[] compressed = Files.readAllBytes(serverDir.resolve(bundle.bodyFile()));
            return new String(
                    BundleParser.gunzip(compressed, Math.max(bundle.jsonBytes(), 1) + 1), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read bundle " + bundle.id() + " (" + bundle.bodyFile() + "): " + OneLine.of(e.getMessage()),
                    e);
        }
    }

    /**
     * Raises {@code callhome.missed} for each appliance whose last bundle is older than {@code missedAfter} and
     * that was not already reported for this gap.
     *
     * @return the serials reported now
     */
    public List<String> raiseMissed(Duration missedAfter) {
        Instant now = clock.instant();
        long before = now.minus(missedAfter).toEpochMilli();
        List<String[]> overdue = database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT appliance, last_received_at FROM"
                    + " callhome_heartbeats WHERE missed_raised_at IS NULL AND last_received_at < ?"
                    + " ORDER BY last_received_at")) {
                select.setLong(1, before);
                List<String[]> rows = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new String[] {rs.getString(1), Long.toString(rs.getLong(2))});
                    }
                }
                return rows;
            }
        });
        List<String> raised = new ArrayList<>();
        for (String[] row : overdue) {
            String appliance = row[0];
            Instant last = Instant.ofEpochMilli(Long.parseLong(row[1]));
            boolean now1 = audit.inTransaction(transaction -> {
                if (!markMissed(transaction, appliance, now)) {
                    return false;
                }
                transaction.append(ServerAuditEvent.builder(EventType.CALLHOME_MISSED)
                        .appliance(appliance)
                        .outcome(ServerAuditEvent.Outcome.FAILURE)
                        .detail("lastReceived", last.toString())
                        .detail("expectedBy", last.plus(missedAfter).toString())
                        .build());
                return true;
            });
            if (now1) {
                raised.add(appliance);
            }
        }
        return raised;
    }

    private static boolean markMissed(AuditTransaction transaction, String appliance, Instant now) throws SQLException {
        try (PreparedStatement update = transaction
                .connection()
                .prepareStatement("UPDATE callhome_heartbeats SET missed_raised_at = ? WHERE appliance = ? AND"
                        + " missed_raised_at IS NULL")) {
            update.setLong(1, now.toEpochMilli());
            update.setString(2, appliance);
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Deletes the bundles received more than {@code retention} ago (file, then row).
     *
     * @return how many
     */
    public int prune(Duration retention) {
        long before = clock.instant().minus(retention).toEpochMilli();
        List<StoredBundle> old =
                database.withConnection(connection -> select(connection, "received_at < ?", before, 1000));
        for (StoredBundle bundle : old) {
            deleteQuietly(serverDir.resolve(bundle.bodyFile()));
            database.withConnection(connection -> {
                try (PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM callhome_bundles WHERE id = ?")) {
                    delete.setString(1, bundle.id());
                    return delete.executeUpdate();
                }
            });
        }
        return old.size();
    }

    private static void insert(Connection connection, StoredBundle row) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO callhome_bundles (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, row.id());
            insert.setString(2, row.appliance());
            insert.setLong(3, row.createdAt().toEpochMilli());
            insert.setLong(4, row.receivedAt().toEpochMilli());
            insert.setString(5, row.trigger());
            insert.setString(6, row.version());
            insert.setLong(7, row.compressedBytes());
            insert.setLong(8, row.jsonBytes());
            insert.setString(9, row.sha256());
            insert.setString(10, row.summary());
            insert.setString(11, row.bodyFile());
            insert.executeUpdate();
        }
    }

    private static void heartbeat(Connection connection, String appliance, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE callhome_heartbeats SET last_received_at"
                + " = ?, missed_raised_at = NULL WHERE appliance = ?")) {
            update.setLong(1, now.toEpochMilli());
            update.setString(2, appliance);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO callhome_heartbeats (appliance, last_received_at, missed_raised_at) VALUES (?, ?, NULL)")) {
            insert.setString(1, appliance);
            insert.setLong(2, now.toEpochMilli());
            insert.executeUpdate();
        }
    }

    private static List<StoredBundle> select(
            Connection connection, @Nullable String condition, @Nullable Object value, int limit) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM callhome_bundles"
                + (condition == null ? "" : " WHERE " + condition)
                + " ORDER BY received_at DESC, id LIMIT " + Math.max(1, limit);
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (value instanceof String text) {
                select.setString(1, text);
            } else if (value instanceof Long number) {
                select.setLong(1, number);
            }
            List<StoredBundle> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new StoredBundle(
                            rs.getString(1),
                            rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3)),
                            Instant.ofEpochMilli(rs.getLong(4)),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getLong(7),
                            rs.getLong(8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getString(11)));
                }
            }
            return rows;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException("cannot delete " + file + ": " + OneLine.of(e.getMessage()), e);
        }
    }
}
