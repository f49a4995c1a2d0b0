package dev.secureconnect.appliance.audit;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.crypto.files.SpillFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The records that follow an action ({@code stream.closed}, {@code command.run}, refusals, …) held while
 * {@code audit.log} cannot be written: {@code DIR/run/audit-spill.jsonl}, one JSON object per line (a
 * {@link SpillFile}), each forced to disk before {@link #add} returns, appended to the log in order once it can be
 * written ({@link AuditWriter}), and at the daemon's next start after a crash.
 *
 * <p>Each held record has an id that goes into the log with it (detail {@code spillId}, beside {@code spilledAt}): a
 * crash between appending the records to the log and cutting them from this file leaves them in both, and the next
 * start drops those the log already holds ({@link #dropAppended}) instead of appending them twice.
 *
 * <p>Thread-safe.
 */
final class AuditSpill {

    /** The detail naming a held record's id in the log. */
    static final String SPILL_ID = "spillId";
    /** The detail saying when a record was held (its record's own time is when it reached the log). */
    static final String SPILLED_AT = "spilledAt";

    /** One held record: its id, when it was held, and the event. */
    record Held(String id, Instant spilledAt, ApplianceAuditEvent event) {
        Held {
            requireNonNull(id, "id");
            requireNonNull(spilledAt, "spilledAt");
            requireNonNull(event, "event");
        }

        static Held of(ApplianceAuditEvent event, Instant spilledAt) {
            return new Held(UUID.randomUUID().toString(), spilledAt, event);
        }

        /** The event as it is appended to the log: with {@code spilledAt} and {@code spillId} among its details. */
        ApplianceAuditEvent appended() {
            Map<String, Object> details = new java.util.LinkedHashMap<>();
            if (event.details() != null) {
                details.putAll(event.details());
            }
            details.put(SPILLED_AT, spilledAt.toString());
            details.put(SPILL_ID, id);
            return new ApplianceAuditEvent(
                    event.type(),
                    event.actor(),
                    event.ticket(),
                    event.session(),
                    event.target(),
                    event.outcome(),
                    event.reason(),
                    event.bytesToService(),
                    event.bytesFromService(),
                    details);
        }
    }

    /** A held record as it is written: its id, when it was held, and the event (its type by name). */
    private record Line(String id, String spilledAt, ApplianceAuditEvent event) {}

    private final SpillFile lines;
    private final List<Held> held = new ArrayList<>();

    private AuditSpill(SpillFile lines) {
        this.lines = lines;
    }

    /**
     * Opens the spill file (created with its first record), reading the records it holds.
     *
     * @throws ApplianceException if it cannot be read or a whole line is not a held record
     */
    static AuditSpill open(Path file, int maxRecords, long maxBytes) {
        AuditSpill spill;
        try {
            spill = new AuditSpill(SpillFile.open(file, maxRecords, maxBytes));
        } catch (IOException e) {
            throw new ApplianceException("cannot read the audit spill file " + file + ": " + e.getMessage(), e);
        }
        spill.held.addAll(decode(spill.lines.lines(), file));
        return spill;
    }

    /** The records {@code file} holds, without changing it (a reader beside the daemon). */
    static List<Held> read(Path file) {
        try {
            return decode(SpillFile.read(file), file);
        } catch (IOException e) {
            throw new ApplianceException("cannot read the audit spill file " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return lines.file();
    }

    synchronized List<Held> records() {
        return List.copyOf(held);
    }

    synchronized int size() {
        return held.size();
    }

    synchronized boolean full() {
        return lines.full();
    }

    /**
     * Appends {@code record} and forces it to disk.
     *
     * @throws IOException if it cannot be written; it is then not held
     */
    synchronized void add(Held record) throws IOException {
        lines.append(Json.line(encode(record)).getBytes(StandardCharsets.UTF_8));
        held.add(record);
    }

    /** Forgets the first {@code count} records (appended to the log), durably. */
    synchronized void removeFirst(int count) throws IOException {
        lines.removeFirst(count);
        held.subList(0, count).clear();
    }

    /**
     * Forgets the records at the start of the file that {@code appended} (the {@code spillId}s the log holds) names:
     * appended to the log by a process killed before it cut them from this file. Returns how many.
     */
    synchronized int dropAppended(java.util.Set<String> appended) throws IOException {
        int count = 0;
        while (count < held.size() && appended.contains(held.get(count).id())) {
            count++;
        }
        removeFirst(count);
        return count;
    }

    private static Line encode(Held record) {
        return new Line(record.id(), record.spilledAt().toString(), record.event());
    }

    private static List<Held> decode(List<byte[]> lines, Path file) {
        List<Held> records = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            try {
                Line line = Json.COMPACT.readValue(lines.get(i), Line.class);
                records.add(new Held(line.id(), Instant.parse(line.spilledAt()), line.event()));
            } catch (IOException | RuntimeException e) {
                throw new ApplianceException(
                        file + " line " + (i + 1) + " is not a held audit record (" + e.getMessage()
                                + "): move the file aside and append its records by hand",
                        e);
            }
        }
        return records;
    }
}
