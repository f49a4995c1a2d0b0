package dev.secureconnect.export.format;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.Severity;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * IBM QRadar Log Event Extended Format, version 2.0:
 * {@code LEEF:2.0|Vendor|Product|Version|EventID|DelimiterCharacter|key=value<tab>key=value…}, e.g.
 *
 * <pre>{@code
 * LEEF:2.0|SecureConnect|SecureConnect Server|0.1.0|1200|x09|seq=42<tab>devTime=2026-11-23T10:00:00.123+0000<tab>...
 * }</pre>
 *
 * <p><b>Delimiter.</b> Attributes are separated by a tab, LEEF 1.0's fixed separator. LEEF 2.0 lets the header name
 * the delimiter "as a single character or its hex value, prefixed by {@code 0x} or {@code x}, 1–4 hex digits"; a
 * literal tab in the header is invisible and easily mangled, so the header carries the hex form {@value #DELIMITER_FIELD}.
 *
 * <p><b>Attributes</b>, in this order: {@code seq}; the predefined {@code devTime} with
 * {@code devTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ} (a Java date pattern, as the guide asks), {@code sev} (1–10),
 * {@code cat} (category), {@code usrName} (actor), {@code src} and {@code srcPort} (when the source is an IP
 * literal, IPv6 without brackets); then our own keys {@code eventName}, {@code outcome}, {@code appliance},
 * {@code ticket}, {@code session}, {@code source} (only when the source is not an IP literal), {@code hash}, and one
 * {@code detail_<name>} per detail (the name reduced to {@code A-Z a-z 0-9 _}; the guide asks custom keys to be
 * alphanumeric and never reuse a predefined key, which the prefix guarantees). Absent values are left out.
 *
 * <p><b>Escaping.</b> The LEEF guide defines no escape sequence; its best-practice rules say that keys and values
 * must not contain the delimiter, and that the header is pipe-separated. So:
 * <ul>
 *   <li>values never hold a raw tab, CR or LF: they are written {@code \t}, {@code \r}, {@code \n}, and a backslash
 *       {@code \\} so that these escapes can be undone — the same backslash convention as CEF extension values
 *       ("Implementing ArcSight CEF"). {@code =} and {@code |} are left as they are: an attribute is split at its
 *       first {@code =} and the pipe only separates header fields;</li>
 *   <li>header fields escape {@code |} as {@code \|} and {@code \} as {@code \\}, following the CEF header rule
 *       (LEEF's header has the same pipe grammar and the guide has no rule of its own); CR and LF become spaces.</li>
 * </ul>
 *
 * <p>{@code sev} from the RFC 5424 severity: emergency 10, alert 9, critical 8, error 7, warning 5, notice 3,
 * informational and debug 1 (LEEF's scale starts at 1).
 */
public final class LeefFormat {

    /** The attribute delimiter, a tab. */
    public static final char DELIMITER = '\t';

    /** How the header names {@link #DELIMITER}: its hex value. */
    public static final String DELIMITER_FIELD = "x09";

    /** The devTimeFormat every message carries. */
    public static final String DEV_TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";

    private static final DateTimeFormatter DEV_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);

    private LeefFormat() {}

    /** The LEEF line for {@code event}: one line, no trailing newline. */
    public static String line(ExportedEvent event, ExportOrigin origin) {
        requireNonNull(event, "event");
        requireNonNull(origin, "origin");
        StringBuilder leef = new StringBuilder("LEEF:2.0|");
        CefFormat.header(leef, ExportOrigin.VENDOR);
        CefFormat.header(leef, ExportOrigin.PRODUCT);
        CefFormat.header(leef, origin.productVersion());
        CefFormat.header(leef, Integer.toString(event.type().id()));
        leef.append(DELIMITER_FIELD).append('|');
        Attributes attributes = new Attributes(leef);
        attributes.add("seq", Long.toString(event.seq()));
        attributes.add("devTime", DEV_TIME.format(event.time()));
        attributes.add("devTimeFormat", DEV_TIME_FORMAT);
        attributes.add("sev", Integer.toString(severity(event.type().severity())));
        attributes.add("cat", event.type().category());
        attributes.add("usrName", event.actor());
        SourceAddress source = SourceAddress.parse(event.sourceAddress());
        if (source != null) {
            attributes.add("src", source.ip());
            attributes.add(
                    "srcPort", source.port() == null ? null : source.port().toString());
        }
        attributes.add("eventName", event.type().eventName());
        attributes.add("outcome", event.outcome());
        attributes.add("appliance", event.applianceSerial());
        attributes.add("ticket", event.ticket());
        attributes.add("session", event.sessionId());
        attributes.add("source", source == null ? event.sourceAddress() : null);
        attributes.add("hash", event.hash());
        event.details().forEach((name, value) -> attributes.add(detailKey(name), value));
        return leef.toString();
    }

    /** LEEF's {@code sev}, 1 (lowest) to 10, of an RFC 5424 severity (see the class comment). */
    public static int severity(Severity severity) {
        return Math.max(1, CefFormat.severity(severity));
    }

    /** {@code detail_} and the detail's name reduced to {@code A-Z a-z 0-9 _}. */
    static String detailKey(String name) {
        StringBuilder key = new StringBuilder("detail_");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            key.append(alphanumeric ? c : '_');
        }
        return key.toString();
    }

    /** The attributes being written, separated by {@link #DELIMITER}. */
    private static final class Attributes {
        private final StringBuilder leef;
        private boolean first = true;

        Attributes(StringBuilder leef) {
            this.leef = leef;
        }

        void add(String key, @Nullable String value) {
            if (value == null) {
                return;
            }
            if (!first) {
                leef.append(DELIMITER);
            }
            first = false;
            leef.append(key).append('=');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> leef.append("\\\\");
                    case '\t' -> leef.append("\\t");
                    case '\r' -> leef.append("\\r");
                    case '\n' -> leef.append("\\n");
                    default -> leef.append(c);
                }
            }
        }
    }
}
