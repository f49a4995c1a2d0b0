package dev.secureconnect.server.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@code audit_log} exactly as stored, and the canonical encoding its hash covers. Verification works on
 * rows, not on {@link ServerAuditRecord}s, so that a row edited into something unreadable is still reported precisely.
 */
record AuditRow(
        long seq,
        long occurredAt,
        int eventId,
        @Nullable String actor,
        @Nullable String applianceSerial,
        @Nullable String ticket,
        @Nullable String sessionId,
        @Nullable String sourceAddress,
        String outcome,
        String details,
        String prevHash,
        String hash) {

    static final String COLUMNS = "seq, occurred_at, event_id, actor, appliance_serial, ticket, session_id,"
            + " source_address, outcome, details, prev_hash, hash";

    /** First line of every canonical encoding; a future format would change it. */
    static final String FORMAT = "secureconnect-audit-v1";

    private static final ObjectMapper JSON = Mappers.sortedJson();
    private static final TypeReference<TreeMap<String, String>> DETAILS = new TypeReference<>() {};

    /** The row for {@code event} appended as record {@code seq} at {@code time}, chained to {@code prevHash}. */
    static AuditRow of(long seq, Instant time, ServerAuditEvent event, String prevHash) {
        AuditRow unhashed = new AuditRow(
                seq,
                time.toEpochMilli(),
                event.type().id(),
                event.actor(),
                event.applianceSerial(),
                event.ticket(),
                event.sessionId(),
                event.sourceAddress(),
                event.outcome().code(),
                detailsJson(event.details()),
                prevHash,
                ""); // the hash covers the other columns: computed from them below
        return unhashed.withHash(unhashed.computeHash());
    }

    static AuditRow read(ResultSet rs) throws SQLException {
        return new AuditRow(
                rs.getLong("seq"),
                rs.getLong("occurred_at"),
                rs.getInt("event_id"),
                rs.getString("actor"),
                rs.getString("appliance_serial"),
                rs.getString("ticket"),
                rs.getString("session_id"),
                rs.getString("source_address"),
                rs.getString("outcome"),
                rs.getString("details"),
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }

    /** Binds the twelve {@link #COLUMNS} in order. */
    void bind(PreparedStatement insert) throws SQLException {
        insert.setLong(1, seq);
        insert.setLong(2, occurredAt);
        insert.setInt(3, eventId);
        setNullable(insert, 4, actor);
        setNullable(insert, 5, applianceSerial);
        setNullable(insert, 6, ticket);
        setNullable(insert, 7, sessionId);
        setNullable(insert, 8, sourceAddress);
        insert.setString(9, outcome);
        insert.setString(10, details);
        insert.setString(11, prevHash);
        insert.setString(12, hash);
    }

    /**
     * The bytes the hash covers: UTF-8 text, one {@code name=value} line per column in the order below, each line
     * ending with {@code \n}. Numbers are decimal; a text value is {@code ~} for SQL NULL, otherwise its length in
     * UTF-8 bytes, a colon and the bytes themselves (so a value may contain anything, a newline included, and
     * NULL differs from the empty string).
     *
     * <pre>
     * secureconnect-audit-v1
     * seq=42
     * time=1767225600123
     * event=1000
     * actor=5:alice
     * appliance=~
     * ticket=8:12345678
     * session=~
     * source=~
     * outcome=7:success
     * details=28:{"title":"disk array alarm"}
     * </pre>
     */
    byte[] canonical() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes((FORMAT + "\n").getBytes(UTF_8));
        number(out, "seq", seq);
        number(out, "time", occurredAt);
        number(out, "event", eventId);
        text(out, "actor", actor);
        text(out, "appliance", applianceSerial);
        text(out, "ticket", ticket);
        text(out, "session", sessionId);
        text(out, "source", sourceAddress);
        text(out, "outcome", outcome);
        text(out, "details", details);
        return out.toByteArray();
    }

    String computeHash() {
        return HashChain.link(prevHash, canonical());
    }

    AuditRow withHash(String newHash) {
        return new AuditRow(
                seq,
                occurredAt,
                eventId,
                actor,
                applianceSerial,
                ticket,
                sessionId,
                sourceAddress,
                outcome,
                details,
                prevHash,
                newHash);
    }

    /**
     * The record this row holds.
     *
     * @throws StorageException if a column no longer decodes (an unknown event id, outcome or malformed details)
     */
    ServerAuditRecord toRecord() {
        try {
            ServerAuditEvent event = new ServerAuditEvent(
                    EventType.byId(eventId),
                    actor,
                    applianceSerial,
                    ticket,
                    sessionId,
                    sourceAddress,
                    ServerAuditEvent.Outcome.ofCode(outcome),
                    JSON.readValue(details, DETAILS));
            return new ServerAuditRecord(seq, Instant.ofEpochMilli(occurredAt), event, prevHash, hash);
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            throw new StorageException(
                    "audit record " + seq + " cannot be read (" + firstLine(e.getMessage())
                            + "); run 'sc-server audit verify'",
                    e);
        }
    }

    private static String detailsJson(Map<String, String> details) {
        try {
            return JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode audit details", e);
        }
    }

    private static void number(ByteArrayOutputStream out, String name, long value) {
        out.writeBytes((name + "=" + value + "\n").getBytes(UTF_8));
    }

    private static void text(ByteArrayOutputStream out, String name, @Nullable String value) {
        out.writeBytes((name + "=").getBytes(UTF_8));
        if (value == null) {
            out.writeBytes("~".getBytes(UTF_8));
        } else {
            byte[] bytes = value.getBytes(UTF_8);
            out.writeBytes((bytes.length + ":").getBytes(UTF_8));
            out.writeBytes(bytes);
        }
        out.write('\n');
    }

    private static void setNullable(PreparedStatement statement, int index, @Nullable String value)
            throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    private static String firstLine(@Nullable String message) {
        return message == null ? "no detail" : message.lines().findFirst().orElse("no detail");
    }
}
