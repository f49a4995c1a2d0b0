package dev.secureconnect.reports;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One audit record of a session, as both the server's and the appliance's log can supply it.
 *
 * <p>The details use the server's keys, all strings: {@code kind}, {@code target}, {@code tokenId}, {@code reason},
 * {@code status}, {@code durationMs}, {@code bytesToAppliance}, {@code bytesFromAppliance}, {@code name}, {@code args}
 * (a JSON array of strings), {@code exitStatus}, {@code bytes} (a command's output), {@code truncated},
 * {@code timedOut}, {@code path}, {@code size}, {@code sha256}, {@code label}. A log that names a fact otherwise maps
 * it onto these keys; keys a report does not know are kept and ignored.
 *
 * @param seq the record's sequence number in its log
 * @param outcome {@code success}, {@code refused} or {@code failure}
 * @param actor who acted (the engineer), or null
 * @param applianceSerial the appliance concerned, or null when the log does not say
 * @param sessionId the session the record belongs to, or null
 * @param sourceAddress the engineer's address ({@code host:port}), or null when the log does not say
 * @param details further facts (see above); entries with a null value are left out
 */
public record SessionEntry(
        long seq,
        Instant time,
        EventType type,
        String outcome,
        @Nullable String actor,
        @Nullable String applianceSerial,
        @Nullable String ticket,
        @Nullable String sessionId,
        @Nullable String sourceAddress,
        Map<String, String> details) {

    public static final String SUCCESS = "success";

    public static final String KIND = "kind";
    public static final String TARGET = "target";
    public static final String REASON = "reason";
    public static final String ARGS = "args";
    public static final String DURATION_MS = "durationMs";
    public static final String BYTES_TO_APPLIANCE = "bytesToAppliance";
    public static final String BYTES_FROM_APPLIANCE = "bytesFromAppliance";

    public SessionEntry {
        requireNonNull(time, "time");
        requireNonNull(type, "type");
        outcome = outcome == null ? SUCCESS : outcome;
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        if (details != null) {
            details.forEach((key, value) -> {
                if (value != null) {
                    copy.put(requireNonNull(key, "details key"), value);
                }
            });
        }
        details = Collections.unmodifiableMap(copy);
    }

    /** One detail, or null when the record does not carry it. */
    public @Nullable String detail(String key) {
        return details.get(key);
    }
}
