package dev.secureconnect.export.format;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Syslog messages as RFC 5424 defines them:
 * {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG}, for example
 *
 * <pre>{@code
 * <109>1 2026-11-23T10:00:00.123Z sc-server-1 sc-server - stream.opened [secureconnect@32473 seq="42" eventId="1200" event="stream.opened" outcome="success" actor="alice" ...] stream.opened success actor=alice appliance=SC-0001
 * }</pre>
 *
 * <ul>
 *   <li>PRI is facility × 8 + the event's RFC 5424 severity code (§6.2.1); the facility is usually
 *       {@link SyslogFacility#DEFAULT} (13, log audit).</li>
 *   <li>TIMESTAMP is RFC 3339 in UTC with milliseconds (§6.2.3).</li>
 *   <li>HOSTNAME (at most 255), APP-NAME (48) and MSGID (32, the event name) are PRINTUSASCII, 33–126 (§6.2.4-7):
 *       other characters become {@code _}, longer values are cut. PROCID is the nil value {@code -}.</li>
 *   <li>One SD-ELEMENT, SD-ID {@code secureconnect@32473}. 32473 is the private enterprise number that RFC 5612
 *       reserves for documentation and examples; replace it by an assigned PEN before a SIEM depends on it. Its
 *       SD-PARAMs: {@code seq}, {@code eventId}, {@code event}, {@code outcome}, then {@code actor},
 *       {@code appliance}, {@code ticket}, {@code session}, {@code source} when present, {@code hash}, then every
 *       detail under its own name (PRINTUSASCII without {@code = ] "} and space, at most 32 characters; a detail
 *       named like one of ours is prefixed {@code detail-}). PARAM-VALUEs escape exactly {@code "}, {@code \} and
 *       {@code ]} with a backslash (§6.3.3); CR and LF become spaces so that every message is one line.</li>
 *   <li>MSG is a short line, {@code event.name outcome actor=… appliance=… ticket=…}, without BOM (MSG-ANY,
 *       §6.4), CR and LF replaced by spaces.</li>
 * </ul>
 */
public final class Rfc5424Format {

    /** The SD-ID of the SecureConnect element: 32473 is RFC 5612's documentation PEN. */
    public static final String SD_ID = "secureconnect@32473";

    static final int HOSTNAME_MAX = 255;
    static final int APP_NAME_MAX = 48;
    static final int MSGID_MAX = 32;
    static final int PARAM_NAME_MAX = 32;

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> OWN_PARAMS =
            Set.of("seq", "eventId", "event", "outcome", "actor", "appliance", "ticket", "session", "source", "hash");

    private Rfc5424Format() {}

    /** The complete message: header, the {@code secureconnect@32473} element and a short MSG. */
    public static String message(ExportedEvent event, ExportOrigin origin, int facility) {
        return header(event, origin, facility) + " " + structuredData(event) + " " + oneLine(summary(event));
    }

    /**
     * The header alone, {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID}, without the space before SD.
     *
     * @param facility 0–23
     */
    public static String header(ExportedEvent event, ExportOrigin origin, int facility) {
        requireNonNull(event, "event");
        requireNonNull(origin, "origin");
        int pri =
                SyslogFacility.of(facility).code() * 8 + event.type().severity().code();
        return "<" + pri + ">1 " + TIMESTAMP.format(event.time()) + " " + printable(origin.hostname(), HOSTNAME_MAX)
                + " " + printable(origin.appName(), APP_NAME_MAX) + " - "
                + printable(event.type().eventName(), MSGID_MAX);
    }

    /**
     * A message carrying another format: the {@link #header}, no structured data ({@code -}) and {@code msg} as
     * MSG with CR and LF replaced by spaces.
     */
    public static String wrap(ExportedEvent event, ExportOrigin origin, int facility, String msg) {
        return header(event, origin, facility) + " - " + oneLine(requireNonNull(msg, "msg"));
    }

    static String structuredData(ExportedEvent event) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("seq", Long.toString(event.seq()));
        params.put("eventId", Integer.toString(event.type().id()));
        params.put("event", event.type().eventName());
        params.put("outcome", event.outcome());
        params.put("actor", event.actor());
        params.put("appliance", event.applianceSerial());
        params.put("ticket", event.ticket());
        params.put("session", event.sessionId());
        params.put("source", event.sourceAddress());
        params.put("hash", event.hash());
        StringBuilder sd = new StringBuilder("[").append(SD_ID);
        params.forEach((name, value) -> param(sd, name, value));
        event.details().forEach((name, value) -> param(sd, paramName(name), value));
        return sd.append(']').toString();
    }

    private static void param(StringBuilder sd, String name, String value) {
        if (value == null) {
            return;
        }
        sd.append(' ').append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"', '\\', ']' -> sd.append('\\').append(c);
                case '\r', '\n' -> sd.append(' ');
                default -> sd.append(c);
            }
        }
        sd.append('"');
    }

    /** A detail's name as an SD-NAME: PRINTUSASCII except {@code = ] "} and space, 1–32 characters. */
    static String paramName(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && out.length() < PARAM_NAME_MAX; i++) {
            char c = name.charAt(i);
            out.append(c > 32 && c < 127 && c != '=' && c != ']' && c != '"' ? c : '_');
        }
        String sanitised = out.isEmpty() ? "_" : out.toString();
        if (OWN_PARAMS.contains(sanitised)) {
            sanitised = ("detail-" + sanitised);
        }
        return sanitised.length() > PARAM_NAME_MAX ? sanitised.substring(0, PARAM_NAME_MAX) : sanitised;
    }

    private static String summary(ExportedEvent event) {
        StringBuilder msg =
                new StringBuilder(event.type().eventName()).append(' ').append(event.outcome());
        append(msg, "actor", event.actor());
        append(msg, "appliance", event.applianceSerial());
        append(msg, "ticket", event.ticket());
        append(msg, "session", event.sessionId());
        append(msg, "source", event.sourceAddress());
        return msg.toString();
    }

    private static void append(StringBuilder msg, String name, @Nullable String value) {
        if (value != null) {
            msg.append(' ').append(name).append('=').append(value);
        }
    }

    /** PRINTUSASCII (33–126) only, at most {@code max} characters; the nil value {@code -} when empty. */
    static String printable(@Nullable String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            out.append(c > 32 && c < 127 ? c : '_');
        }
        return out.toString();
    }

    static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }
}
