package dev.secureconnect.export.webhook;

import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.tunnel.audit.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/** Events and an origin for the delivery tests. */
public final class TestEvents {

    public static final ExportOrigin ORIGIN = new ExportOrigin("sc-server-1", "sc-server", "0.1.0");

    private TestEvents() {}

    /** A stream.opened event with sequence number {@code seq}, a detail with a quote, a newline and non-ASCII. */
    public static ExportedEvent event(long seq) {
        return new ExportedEvent(seq, Instant.parse("2025-01-31T10:15:30.123Z").plusSeconds(seq),
                EventType.STREAM_OPENED, "success", "alice", "SC-0001", "T-17", "s-" + seq, "192.0.2.7:50122",
                Map.of("target", "127.0.0.1:22", "kind", "connect", "note", "line \"one\"\nline two, café"),
                "ab".repeat(32));
    }

    /** Events {@code from} … {@code to}, both included. */
    public static List<ExportedEvent> events(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(TestEvents::event).toList();
    }
}
