package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.format.JsonEventFormat;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.sinks.ExportedEvents;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/events?after=SEQ&limit=N} (API-client certificate, no session): the audit records after
 * {@code after} (default 0), oldest first, at most {@code limit} (default {@value #DEFAULT_LIMIT}, at most
 * {@link ServerAuditLog#MAX_LIST_LIMIT}), for a SIEM that polls. 200 {@code {"events": [...], "next": SEQ, "head": SEQ}}: each
 * event as the JSON export formats it, {@code next} the last sequence number returned (or {@code after} when none),
 * from which the SIEM resumes, and {@code head} the last sequence number in the log. 400 for a bad parameter.
 *
 * <p>Not audited: each poll would add a record for the next poll to read. Logged at DEBUG.
 */
final class EventsEndpoint implements Endpoint {

    /** Under {@code /api/v1/}. */
    static final String PATH = "events";

    static final int DEFAULT_LIMIT = 500;

    private static final Logger LOG = LoggerFactory.getLogger(EventsEndpoint.class);

    private final ServerAuditLog audit;
    private final ExportOrigin origin;

    EventsEndpoint(ServerAuditLog audit, ExportOrigin origin) {
        this.audit = requireNonNull(audit, "audit");
        this.origin = requireNonNull(origin, "origin");
    }

    @Override
    public ApiResponse handle(ApiCall call) {
        long after = number(call, "after", 0, 0, Long.MAX_VALUE);
        int limit = (int) number(call, "limit", DEFAULT_LIMIT, 1, ServerAuditLog.MAX_LIST_LIMIT);
        List<ServerAuditRecord> records = audit.list(after, limit);
        long head = audit.lastSeq(); // read after the page: never behind the records returned
        List<ObjectNode> events = records.stream()
                .map(record -> JsonEventFormat.node(ExportedEvents.of(record, audit), origin))
                .toList();
        long next = records.isEmpty() ? after : records.get(records.size() - 1).seq();
        LOG.debug(
                "api client {} from {} read {} audit record(s) after {} (next {}, head {})",
                call.connection().login(),
                call.connection().source(),
                records.size(),
                after,
                next,
                head);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("events", events);
        answer.put("next", next);
        answer.put("head", head);
        return ApiResponse.ok(answer);
    }

    /** Query parameter {@code name} as a whole number in {@code min..max}, {@code absent} when not given; 400 else. */
    private static long number(ApiCall call, String name, long absent, long min, long max) {
        String text = call.parameter(name);
        if (text == null) {
            return absent;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        String range = max == Long.MAX_VALUE ? ">= " + min : min + ".." + max;
        throw new ApiException(
                HttpResponseStatus.BAD_REQUEST,
                "bad-parameter",
                name + ": '" + OneLine.quoted(text, 100) + "' (expected: a whole number " + range + ")");
    }
}
