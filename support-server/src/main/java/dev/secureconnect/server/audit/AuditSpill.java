package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.crypto.files.SpillFile;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.events.EventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit records that must not be lost while the database cannot take them: a bounded, fsynced file of one JSON object
 * per line ({@code DIR/run/audit-spill.jsonl}, a {@link SpillFile}), appended in order, each line forced to disk before
 * {@link #add} returns, and replayed by {@link ServerAuditLog} into the log, oldest first, once the database commits again. Survives a
 * kill -9: the daemon reads the file at start and appends its records with the first commit.
 *
 * <p>The bound ({@code maxRecords}, {@code maxBytes}) is the point where the server stops waiting: {@link #full} says
 * so, and the daemon then closes every session (see docs/security.md). A record of something that already happened is
 * still written beyond it (at most the closing records of the sessions being closed); refusals are not.
 *
 * <p>Thread-safe.
 */
public final class AuditSpill {

    /** Where the daemon keeps its spill file, relative to the server directory. */
    public static final String FILE = "run/audit-spill.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(AuditSpill.class);
    private static final ObjectMapper JSON = Mappers.json();

    /** One held record: the event and when it was spilled (its record's time is the time it is appended). */
    public record Spilled(ServerAuditEvent event, Instant spilledAt) {
        public Spilled {
            requireNonNull(event, "event");
            requireNonNull(spilledAt, "spilledAt");
        }
    }

    private final SpillFile lines;
    private final List<Spilled> held = new ArrayList<>();

    private AuditSpill(SpillFile lines) {
        this.lines = lines;
    }

    /**
     * Opens the spill file (created when the first record is spilled), reading the records it holds. A last line cut
     * short by a crash while it was being written is dropped with a warning: its {@link #add} never returned.
     *
     * @throws IOException if the file cannot be read or a complete line does not decode
     */
    public static AuditSpill open(Path file, int maxRecords, long maxBytes) throws IOException {
        AuditSpill spill = new AuditSpill(SpillFile.open(file, maxRecords, maxBytes));
        int lineNumber = 0;
        for (byte[] line : spill.lines.lines()) {
            spill.held.add(decode(line, file, ++lineNumber));
        }
        if (!spill.held.isEmpty()) {
            LOG.warn(
                    "{} holds {} audit record(s) not yet in the audit log: they are appended with the next commit",
                    file,
                    spill.held.size());
        }
        return spill;
    }

    public Path file() {
        return lines.file();
    }

    /** The held records, oldest first. */
    public synchronized List<Spilled> records() {
        return List.copyOf(held);
    }

    public synchronized int size() {
        return held.size();
    }

    public synchronized boolean isEmpty() {
        return held.isEmpty();
    }

    /** Whether the spill reached its bound. */
    public synchronized boolean full() {
        return lines.full();
    }

    /**
     * Appends {@code record} as the last line and forces it to disk.
     *
     * @throws IOException if it cannot be written; the record is then not held
     */
    public synchronized void add(Spilled record) throws IOException {
        lines.append(encode(record));
        held.add(record);
    }

    /** Forgets the first {@code count} records (appended to the log), durably. */
    public synchronized void removeFirst(int count) throws IOException {
        if (count < 0 || count > held.size()) {
            throw new IllegalArgumentException("count: " + count + " (expected: 0.." + held.size() + ")");
        }
        lines.removeFirst(count);
        held.subList(0, count).clear();
    }

    static byte[] encode(Spilled record) {
        ServerAuditEvent event = record.event();
        ObjectNode node = JSON.createObjectNode();
        node.put("spilledAt", record.spilledAt().toString());
        node.put("eventId", event.type().id());
        node.put("event", event.type().eventName());
        node.put("outcome", event.outcome().code());
        node.put("actor", event.actor());
        node.put("appliance", event.applianceSerial());
        node.put("ticket", event.ticket());
        node.put("session", event.sessionId());
        node.put("source", event.sourceAddress());
        ObjectNode details = node.putObject("details");
        event.details().forEach(details::put);
        try {
            return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot encode audit event " + event.type().eventName(), e);
        }
    }

    private static Spilled decode(byte[] line, Path file, int lineNumber) throws IOException {
        try {
            JsonNode node = JSON.readTree(line);
            Map<String, String> details = new TreeMap<>();
            node.path("details")
                    .fields()
                    .forEachRemaining(entry ->
                            details.put(entry.getKey(), entry.getValue().asText()));
            ServerAuditEvent event = new ServerAuditEvent(
                    EventType.byId(node.path("eventId").asInt()),
                    text(node, "actor"),
                    text(node, "appliance"),
                    text(node, "ticket"),
                    text(node, "session"),
                    text(node, "source"),
                    ServerAuditEvent.Outcome.ofCode(node.path("outcome").asText()),
                    details);
            return new Spilled(event, Instant.parse(node.path("spilledAt").asText()));
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    file + " line " + lineNumber + " is not a spilled audit record: " + e.getMessage()
                            + "; move the file aside and append its records by hand",
                    e);
        }
    }

    /** A text field; null when absent (the event's optional columns are nullable). */
    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
