package dev.secureconnect.export.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import java.util.Locale;
import java.util.Map;

/**
 * One event as one compact JSON object, the form webhooks and JSON-lines files carry:
 *
 * <pre>{@code
 * {"seq":42,"time":"2025-01-31T10:15:30.123Z","eventId":1200,"event":"stream.opened","severity":"notice",
 *  "severityCode":5,"category":"sessions","outcome":"success","actor":"alice","appliance":"SC-0001",
 *  "ticket":"T-17","session":"s-9","source":"192.0.2.7:50122","details":{"kind":"connect"},"hash":"ab12…",
 *  "host":"sc-server-1","product":"SecureConnect Server","version":"0.1.0"}
 * }</pre>
 *
 * <p>{@code seq} comes first so that a receiver can de-duplicate by it while streaming. Every field is always present
 * (the optional ones as {@code null}), so every record has the same shape.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {}

    /** The event as a JSON object, fields in the documented order. */
    public static ObjectNode node(ExportedEvent event, ExportOrigin origin) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("seq", event.seq());
        node.put("time", event.time().toString());
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
        ObjectNode details = node.putObject("details");
        for (Map.Entry<String, String> field : event.details().entrySet()) {
            details.put(field.getKey(), field.getValue());
        }
        node.put("hash", event.hash());
        node.put("host", origin.hostname());
        node.put("product", ExportOrigin.PRODUCT);
        node.put("version", origin.productVersion());
        return node;
    }

    /** The event as one line of compact JSON, without the line end. */
    public static String line(ExportedEvent event, ExportOrigin origin) {
        return write(node(event, origin));
    }

    /** {@code node} as compact JSON. */
    static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree cannot be written: " + e.getMessage(), e);
        }
    }
}
