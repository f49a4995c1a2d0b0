package dev.secureconnect.export.format;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * An event as one compact JSON object on one line (JSON escapes every control character, so no raw line break can
 * appear), for syslog, webhooks and JSON-lines files. Members, in this order; absent values are {@code null}:
 *
 * <pre>{@code
 * {"seq":42,"time":"2026-11-23T10:00:00.123Z","eventId":1200,"event":"stream.opened","severity":"notice",
 *  "severityCode":5,"category":"sessions","outcome":"success","actor":"alice","appliance":"SC-0001",
 *  "ticket":"T-1001","session":"s-7f3a","source":"192.0.2.10:51515","details":{"kind":"connect"},
 *  "hash":"9f86d0…","host":"sc-server-1","product":"SecureConnect Server","version":"0.1.0"}
 * }</pre>
 *
 * ({@code time} is ISO-8601 UTC with milliseconds; {@code severity} the lower-case RFC 5424 name and
 * {@code severityCode} its number.)
 */
public final class JsonEventFormat {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private JsonEventFormat() {}

    /** The JSON object for {@code event}, on one line without a trailing newline. */
    public static String line(ExportedEvent event, ExportOrigin origin) {
        requireNonNull(event, "event");
        requireNonNull(origin, "origin");
        StringWriter text = new StringWriter(512);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeNumberField("seq", event.seq());
            json.writeStringField("time", TIME.format(event.time()));
            json.writeNumberField("eventId", event.type().id());
            json.writeStringField("event", event.type().eventName());
            json.writeStringField("severity", event.type().severity().name().toLowerCase(Locale.ROOT));
            json.writeNumberField("severityCode", event.type().severity().code());
            json.writeStringField("category", event.type().category());
            json.writeStringField("outcome", event.outcome());
            json.writeStringField("actor", event.actor());
            json.writeStringField("appliance", event.applianceSerial());
            json.writeStringField("ticket", event.ticket());
            json.writeStringField("session", event.sessionId());
            json.writeStringField("source", event.sourceAddress());
            json.writeFieldName("details");
            writeDetails(json, event.details());
            json.writeStringField("hash", event.hash());
            json.writeStringField("host", origin.hostname());
            json.writeStringField("product", ExportOrigin.PRODUCT);
            json.writeStringField("version", origin.productVersion());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an event as JSON", e);
        }
        return text.toString();
    }

    /** The details alone as one compact JSON object, {@code {"kind":"connect"}}: CEF carries them so. */
    static String details(Map<String, String> details) {
        StringWriter text = new StringWriter(128);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            writeDetails(json, details);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write event details as JSON", e);
        }
        return text.toString();
    }

    private static void writeDetails(JsonGenerator json, Map<String, String> details) throws IOException {
        json.writeStartObject();
        for (Map.Entry<String, String> detail : details.entrySet()) {
            json.writeStringField(detail.getKey(), detail.getValue());
        }
        json.writeEndObject();
    }
}
