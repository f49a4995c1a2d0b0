package dev.secureconnect.export.format;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An event as one compact JSON object on one line (JSON escapes every control character, so no raw line break can
 * appear): the form of syslog's {@code json} format, of webhook bodies and of JSON-lines files. Members, in this
 * order:
 *
 * <pre>{@code
 * {"seq":42,"time":"2026-11-23T10:00:00.123Z","eventId":1200,"event":"stream.opened","severity":"notice",
 *  "severityCode":5,"category":"sessions","outcome":"success","actor":"alice","appliance":"SC-0001",
 *  "ticket":"T-1001","session":"s-7f3a","source":"192.0.2.10:51515","details":{"kind":"connect"},
 *  "hash":"9f86d0…","host":"sc-server-1","product":"SecureConnect Server","version":"0.1.0"}
 * }</pre>
 *
 * <p>{@code seq} comes first so that a receiver can de-duplicate by it while streaming. Every member is always
 * present: an absent value is JSON {@code null} and no details an empty object, so every record has the same keys.
 * {@code time} is ISO-8601 UTC with exactly three digits of milliseconds; {@code severity} the lower-case RFC 5424
 * name and {@code severityCode} its number.
 */
public final class JsonEventFormat {

    private static final ObjectMapper MAPPER = Mappers.json();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private JsonEventFormat() {}

    /** The JSON object for {@code event}, on one line without a trailing newline. */
    public static String line(ExportedEvent event, ExportOrigin origin) {
        return write(node(event, origin));
    }

    /** The JSON object for {@code event} as a tree, members in the documented order, to embed in a larger document. */
    public static ObjectNode node(ExportedEvent event, ExportOrigin origin) {
        requireNonNull(event, "event");
        requireNonNull(origin, "origin");
        ObjectNode node = MAPPER.createObjectNode();
        node.put("seq", event.seq());
        node.put("time", TIME.format(event.time()));
        node.put("eventId", event.type().id());
        node.put("event", event.type().eventName());
        node.put("severity", event.type().severity().name().toLowerCase(Locale.ROOT));
        node.put("severityCode", event.type().severity().code());
        node.put("category", event.type().category());
        node.put("outcome", event.outcome());
        node.put("actor", event.actor());
        node.put("appliance", event.applianceSerial());
        node.put("ticket", event.ticket());
        node.put("session", event.sessionId());
        node.put("source", event.sourceAddress());
        node.set("details", detailsNode(event.details()));
        node.put("hash", event.hash());
        node.put("host", origin.hostname());
        node.put("product", ExportOrigin.PRODUCT);
        node.put("version", origin.productVersion());
        return node;
    }

    /**
     * A batch, {@code {"events":[…]}}, each event as {@link #line} writes it, in the order given, on one line: the body
     * of a webhook request.
     */
    public static String batch(List<ExportedEvent> events, ExportOrigin origin) {
        requireNonNull(events, "events");
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode array = root.putArray("events");
        for (ExportedEvent event : events) {
            array.add(node(event, origin));
        }
        return write(root);
    }

    /** The details alone as one compact JSON object, {@code {"kind":"connect"}}: CEF carries them so. */
    static String details(Map<String, String> details) {
        return write(detailsNode(details));
    }

    private static ObjectNode detailsNode(Map<String, String> details) {
        ObjectNode node = MAPPER.createObjectNode();
        details.forEach(node::put);
        return node;
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree cannot be written: " + e.getMessage(), e);
        }
    }
}
