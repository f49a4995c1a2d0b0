package dev.secureconnect.reports;

import dev.secureconnect.events.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Realistic audit records of a few sessions, as the server's log holds them, interleaved with other records. */
final class Sessions {

    static final String APPLIANCE = "SN-1234";
    static final String TICKET = "12345678";
    static final String SOURCE = "203.0.113.7:50412";
    static final Instant T0 = Instant.parse("2025-03-04T10:00:00.250Z");

    private final List<SessionEntry> entries = new ArrayList<>();

    static List<SessionEntry> all() {
        Sessions log = new Sessions();
        log.add(
                0,
                EventType.TOKEN_ISSUED,
                "success",
                "alice",
                null,
                details("tokenId", "token-1", "reason", "disk full"));
        // connect: ssh to the appliance, 2m 05s, bytes each way
        log.add(
                2,
                EventType.STREAM_OPENED,
                "success",
                "alice",
                "s-connect",
                details("kind", "connect", "target", "127.0.0.1:22", "tokenId", "token-1"));
        // exec: collect-logs, exit 3
        log.add(
                30,
                EventType.STREAM_OPENED,
                "success",
                "alice",
                "s-exec",
                details("kind", "exec", "target", "collect-logs", "tokenId", "token-1"));
        log.add(
                34,
                EventType.COMMAND_RUN,
                "success",
                "alice",
                "s-exec",
                details(
                        "kind",
                        "exec",
                        "target",
                        "collect-logs",
                        "name",
                        "collect-logs",
                        "args",
                        "[\"--since\",\"1h\"]",
                        "exitStatus",
                        "3",
                        "bytes",
                        "2048",
                        "truncated",
                        "false",
                        "timedOut",
                        "false"));
        log.add(
                35,
                EventType.STREAM_CLOSED,
                "success",
                "alice",
                "s-exec",
                details(
                        "kind",
                        "exec",
                        "target",
                        "collect-logs",
                        "bytesToAppliance",
                        "0",
                        "bytesFromAppliance",
                        "2048",
                        "durationMs",
                        "4200",
                        "reason",
                        "exit status 3"));
        log.add(
                127,
                EventType.STREAM_CLOSED,
                "success",
                "alice",
                "s-connect",
                details(
                        "kind",
                        "connect",
                        "target",
                        "127.0.0.1:22",
                        "bytesToAppliance",
                        "1234",
                        "bytesFromAppliance",
                        "56789",
                        "durationMs",
                        "125000",
                        "reason",
                        "the engineer closed the stream"));
        // get: still open, a file fetched, a second one refused
        log.add(
                200,
                EventType.STREAM_OPENED,
                "success",
                "bob",
                "s-open",
                details("kind", "get", "target", "/var/log/app.log"));
        log.add(
                201,
                EventType.FILE_GET,
                "success",
                "bob",
                "s-open",
                details(
                        "kind",
                        "get",
                        "path",
                        "/var/log/app.log",
                        "size",
                        "1234",
                        "sha256",
                        "ab12cd34ef567890ab12cd34ef567890ab12cd34ef567890ab12cd34ef567890"));
        log.add(
                202,
                EventType.FILE_REFUSED,
                "failure",
                "bob",
                "s-open",
                details("kind", "get", "path", "/etc/shadow", "reason", "/etc/shadow is outside the allowed folders"));
        // refused before it started
        log.add(
                300,
                EventType.STREAM_REFUSED,
                "failure",
                "carol",
                "s-refused",
                details(
                        "kind",
                        "connect",
                        "target",
                        "10.0.0.1:22",
                        "status",
                        "403",
                        "reason",
                        "host 10.0.0.1 is not this appliance's loopback address"));
        return log.entries;
    }

    private void add(
            int second, EventType type, String outcome, String actor, String session, Map<String, String> details) {
        entries.add(new SessionEntry(
                entries.size() + 1,
                T0.plusSeconds(second),
                type,
                outcome,
                actor,
                APPLIANCE,
                TICKET,
                session,
                SOURCE,
                details));
    }

    static Map<String, String> details(String... keysAndValues) {
        Map<String, String> details = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            details.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return details;
    }

    private Sessions() {}
}
