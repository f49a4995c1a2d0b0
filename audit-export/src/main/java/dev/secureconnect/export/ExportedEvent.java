package dev.secureconnect.export;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One audit record as it leaves the server: what every export format renders. The sequence number travels in every
 * message so that a receiver can put records in order and drop the duplicates at-least-once delivery may produce.
 *
 * @param seq the record's sequence number in the server's audit log (1, 2, …)
 * @param time when the record was appended
 * @param type the event (id, name, severity, category)
 * @param outcome {@code success} or {@code failure}
 * @param actor who acted ({@code alice}, {@code operator:root}, an appliance serial), or null
 * @param applianceSerial the appliance concerned, or null
 * @param ticket the ticket number, or null
 * @param sessionId the session id, or null
 * @param sourceAddress the peer's {@code ip:port}, or null
 * @param details the event's own fields, sorted by name
 * @param hash the record's hash in the audit chain (hex)
 */
public record ExportedEvent(
        long seq,
        Instant time,
        EventType type,
        String outcome,
        @Nullable String actor,
        @Nullable String applianceSerial,
        @Nullable String ticket,
        @Nullable String sessionId,
        @Nullable String sourceAddress,
        Map<String, String> details,
        String hash) {

    public ExportedEvent {
        if (seq < 1) {
            throw new IllegalArgumentException("seq: " + seq + " (expected: > 0)");
        }
        requireNonNull(time, "time");
        requireNonNull(type, "type");
        requireNonNull(outcome, "outcome");
        details = java.util.Collections.unmodifiableMap(new TreeMap<>(requireNonNull(details, "details")));
        requireNonNull(hash, "hash");
    }
}
