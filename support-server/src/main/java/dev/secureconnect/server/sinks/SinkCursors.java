package dev.secureconnect.server.sinks;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.server.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The durable cursors of the export sinks and the mail notifier ({@code sink_cursors}): per name, the last audit
 * record handed over, and whether and why delivery is failing. Written by the daemon, read by
 * {@code sc-server sinks status} from any process.
 */
public final class SinkCursors {

    private static final String SELECT =
            "SELECT name, delivered_seq, delivered_at, failing_since, last_error, last_error_at FROM sink_cursors";

    private final Database database;
    private final Clock clock;

    public SinkCursors(Database database, Clock clock) {
        this.database = requireNonNull(database, "database");
        this.clock = requireNonNull(clock, "clock");
    }

    /** The cursor of {@code name}, created at {@code startSeq} if it has none yet. */
    public SinkCursor open(String name, long startSeq) {
        return database.inTransaction(connection -> {
            // the write first, so that on SQLite the transaction waits for the write lock (see Database)
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO sink_cursors (name, delivered_seq) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, name);
                insert.setLong(2, startSeq);
                insert.executeUpdate();
            }
            return read(connection, name).orElseThrow();
        });
    }

    /** Moves {@code name} past record {@code seq} (delivered or filtered out) and clears its failure. */
    public void advance(String name, long seq) {
        long now = clock.millis();
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE sink_cursors SET delivered_seq = ?,"
                    + " delivered_at = ?, failing_since = NULL WHERE name = ? AND delivered_seq < ?")) {
                update.setLong(1, seq);
                update.setLong(2, now);
                update.setString(3, name);
                update.setLong(4, seq);
                return update.executeUpdate();
            }
        });
    }

    /** Records a failed delivery; {@code failing_since} keeps the first failure of a streak. */
    public void failed(String name, String error) {
        long now = clock.millis();
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE sink_cursors SET last_error = ?,"
                    + " last_error_at = ?, failing_since = COALESCE(failing_since, ?) WHERE name = ?")) {
                update.setString(1, error);
                update.setLong(2, now);
                update.setLong(3, now);
                update.setString(4, name);
                return update.executeUpdate();
            }
        });
    }

    /** Clears {@code name}'s failure without moving it (the database failed, not the receiver, and is back). */
    public void delivering(String name) {
        database.inTransaction(connection -> {
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE sink_cursors SET failing_since = NULL WHERE name = ?")) {
                update.setString(1, name);
                return update.executeUpdate();
            }
        });
    }

    /** Forgets {@code name}'s cursor (its sink was removed); a sink added later under the name starts afresh. */
    public boolean remove(String name) {
        return database.inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sink_cursors WHERE name = ?")) {
                delete.setString(1, name);
                return delete.executeUpdate() == 1;
            }
        });
    }

    public Optional<SinkCursor> get(String name) {
        return database.withConnection(connection -> read(connection, name));
    }

    public List<SinkCursor> all() {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT + " ORDER BY name");
                    ResultSet rs = select.executeQuery()) {
                List<SinkCursor> cursors = new ArrayList<>();
                while (rs.next()) {
                    cursors.add(row(rs));
                }
                return cursors;
            }
        });
    }

    private static Optional<SinkCursor> read(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT + " WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static SinkCursor row(ResultSet rs) throws SQLException {
        return new SinkCursor(
                rs.getString("name"),
                rs.getLong("delivered_seq"),
                instant(rs, "delivered_at"),
                instant(rs, "failing_since"),
                rs.getString("last_error"),
                instant(rs, "last_error_at"));
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
