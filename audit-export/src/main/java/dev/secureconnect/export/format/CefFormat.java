package dev.secureconnect.export.format;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.Severity;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import org.jspecify.annotations.Nullable;

/**
 * ArcSight Common Event Format, version 0:
 * {@code CEF:0|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension}, e.g.
 *
 * <pre>{@code
 * CEF:0|SecureConnect|SecureConnect Server|0.1.0|1200|stream.opened|3|seq=42 rt=1795428000123 cat=sessions ...
 * }</pre>
 *
 * <p>Header: vendor {@link ExportOrigin#VENDOR}, product {@link ExportOrigin#PRODUCT}, the product version, the
 * event id as Device Event Class ID, the event name as Name. Escaping follows "Implementing ArcSight CEF": in the
 * header a backslash is written {@code \\} and a pipe {@code \|}; the header has no line breaks, so CR and LF
 * become spaces there. In extension values a backslash is {@code \\}, an equals sign {@code \=}, CR {@code \r} and
 * LF {@code \n}; a pipe needs no escape there. Keys are alphanumeric.
 *
 * <p>Extension, in this order: {@code seq} (the record's sequence number; receivers de-duplicate on it), {@code rt}
 * (epoch milliseconds), {@code cat} (category), {@code outcome}, {@code suser} (actor), {@code src} and
 * {@code spt} (when the source is {@code ip:port}; an IPv6 address without brackets), {@code dvchost} (the
 * server's node), {@code cs1}–{@code cs6} with their labels: {@code appliance}, {@code ticket}, {@code session},
 * {@code details} (the details as one compact JSON object), {@code source} (only when the source address is not an
 * IP literal, so nothing is lost) and {@code hash}; finally {@code msg}, the event's description. Absent values are
 * left out.
 *
 * <p>Severity (0–10) from the RFC 5424 severity: emergency 10, alert 9, critical 8, error 7, warning 5, notice 3,
 * informational 1, debug 0.
 */
public final class CefFormat {

    private CefFormat() {}

    /** The CEF line for {@code event}: one line, no trailing newline. */
    public static String line(ExportedEvent event, ExportOrigin origin) {
        requireNonNull(event, "event");
        requireNonNull(origin, "origin");
        StringBuilder cef = new StringBuilder("CEF:0|");
        header(cef, ExportOrigin.VENDOR);
        header(cef, ExportOrigin.PRODUCT);
        header(cef, origin.productVersion());
        header(cef, Integer.toString(event.type().id()));
        header(cef, event.type().eventName());
        header(cef, Integer.toString(severity(event.type().severity())));
        Extension ext = new Extension(cef);
        ext.add("seq", Long.toString(event.seq()));
        ext.add("rt", Long.toString(event.time().toEpochMilli()));
        ext.add("cat", event.type().category());
        ext.add("outcome", event.outcome());
        ext.add("suser", event.actor());
        SourceAddress source = SourceAddress.parse(event.sourceAddress());
        if (source != null) {
            ext.add("src", source.ip());
            ext.add("spt", source.port() == null ? null : source.port().toString());
        }
        ext.add("dvchost", origin.hostname());
        ext.labelled(1, "appliance", event.applianceSerial());
        ext.labelled(2, "ticket", event.ticket());
        ext.labelled(3, "session", event.sessionId());
        ext.labelled(4, "details", event.details().isEmpty() ? null : JsonEventFormat.details(event.details()));
        ext.labelled(5, "source", source == null ? event.sourceAddress() : null);
        ext.labelled(6, "hash", event.hash());
        ext.add("msg", event.type().description());
        return cef.toString();
    }

    /** The CEF severity, 0 (lowest) to 10, of an RFC 5424 severity (see the class comment). */
    public static int severity(Severity severity) {
        return switch (severity) {
            case EMERGENCY -> 10;
            case ALERT -> 9;
            case CRITICAL -> 8;
            case ERROR -> 7;
            case WARNING -> 5;
            case NOTICE -> 3;
            case INFORMATIONAL -> 1;
            case DEBUG -> 0;
        };
    }

    /**
     * Appends a header field and its closing pipe: {@code \\} and {@code |} escaped, a line break as a space. LEEF
     * escapes its header the same way.
     */
    static void header(StringBuilder cef, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\', '|' -> cef.append('\\').append(c);
                case '\r', '\n' -> cef.append(' ');
                default -> cef.append(c);
            }
        }
        cef.append('|');
    }

    /** The extension being written: space-separated {@code key=value} pairs. */
    private static final class Extension {
        private final StringBuilder cef;
        private boolean first = true;

        Extension(StringBuilder cef) {
            this.cef = cef;
        }

        void labelled(int number, String label, @Nullable String value) {
            if (value != null) {
                add("cs" + number, value);
                add("cs" + number + "Label", label);
            }
        }

        void add(String key, @Nullable String value) {
            if (value == null) {
                return;
            }
            if (!first) {
                cef.append(' ');
            }
            first = false;
            cef.append(key).append('=');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> cef.append("\\\\");
                    case '=' -> cef.append("\\=");
                    case '\r' -> cef.append("\\r");
                    case '\n' -> cef.append("\\n");
                    default -> cef.append(c);
                }
            }
        }
    }
}
