package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A database transaction that holds the audit head: SQL run on {@link #connection()} and records added with
 * {@link #append} commit together or not at all. Valid only inside {@link ServerAuditLog#inTransaction}.
 */
public final class AuditTransaction {

    private final Connection connection;
    private final Clock clock;
    private long headSeq;
    private String headHash;

    AuditTransaction(Connection connection, Clock clock, long headSeq, String headHash) {
        this.connection = connection;
        this.clock = clock;
        this.headSeq = headSeq;
        this.headHash = headHash;
    }

    /** The sequence number of the last record appended so far (the head's, before any). */
    long headSeq() {
        return headSeq;
    }

    /** The transaction's connection, for the caller's own statements. Do not commit, roll back or close it. */
    public Connection connection() {
        return connection;
    }

    /** Appends {@code event} as the next record of the chain (visible to others once the transaction commits). */
    public ServerAuditRecord append(ServerAuditEvent event) throws SQLException {
        requireNonNull(event, "event");
        Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        AuditRow row = AuditRow.of(headSeq + 1, time, event, headHash);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO audit_log (" + AuditRow.COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            row.bind(insert);
            insert.executeUpdate();
        }
        try (PreparedStatement head =
                connection.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
            head.setLong(1, row.seq());
            head.setString(2, row.hash());
            head.executeUpdate();
        }
        headSeq = row.seq();
        headHash = row.hash();
        return new ServerAuditRecord(row.seq(), time, event, row.prevHash(), row.hash());
    }
}
