package dev.secureconnect.export;

import dev.secureconnect.events.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/** Events and an origin for the format and destination tests of every package: the one set of event fixtures. */
public final class TestEvents {

    public static final ExportOrigin ORIGIN = new ExportOrigin("sc-server-1", "sc-server", "0.1.0");

    /** Every awkward character a value can hold: | = \ " ] CR LF tab, and non-ASCII. */
    public static final String NASTY = "a|b=c\\d\"e]f\rg\nh\ti é€😀";

    private TestEvents() {}

    /** A stream.opened event with every field and two details. */
    public static ExportedEvent streamOpened() {
        return new ExportedEvent(
                42,
                Instant.parse("2026-11-23T10:00:00.123Z"),
                EventType.STREAM_OPENED,
                "success",
                "alice",
                "SC-0001",
                "T-1001",
                "s-7f3a",
                "192.0.2.10:51515",
                Map.of("kind", "connect", "target", "127.0.0.1:22"),
                "9f86d081884c7d65");
    }

    /** An event with sequence number {@code seq} and otherwise the fields of {@link #streamOpened()}. */
    public static ExportedEvent withSeq(long seq) {
        ExportedEvent e = streamOpened();
        return new ExportedEvent(
                seq,
                e.time(),
                e.type(),
                e.outcome(),
                e.actor(),
                e.applianceSerial(),
                e.ticket(),
                e.sessionId(),
                e.sourceAddress(),
                e.details(),
                e.hash());
    }

    /** Events {@code from} … {@code to}, both included, as {@link #withSeq} makes them. */
    public static List<ExportedEvent> events(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(TestEvents::withSeq).toList();
    }

    /** An event whose actor and one detail hold {@link #NASTY}, and whose source is IPv6. */
    public static ExportedEvent nasty() {
        return new ExportedEvent(
                7,
                Instant.parse("2026-11-23T10:00:00Z"),
                EventType.LOGIN_FAILED,
                "failure",
                NASTY,
                null,
                null,
                null,
                "[2001:db8::5]:443",
                Map.of("reason", NASTY, "code", "wrong-code"),
                "abc123");
    }
}
