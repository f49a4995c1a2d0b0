package dev.secureconnect.export.format;

import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The format a destination writes events in, as named in settings ({@code rfc5424}, {@code cef}, {@code leef},
 * {@code json}).
 */
public enum MessageFormat {
    /** RFC 5424 with the event in structured data: {@link Rfc5424Format#message}. */
    RFC5424,
    /** ArcSight Common Event Format: {@link CefFormat#line}. */
    CEF,
    /** IBM QRadar LEEF 2.0: {@link LeefFormat#line}. */
    LEEF,
    /** One compact JSON object: {@link JsonEventFormat#line}. */
    JSON;

    /** The lower-case name settings use: {@code rfc5424}, {@code cef}, {@code leef}, {@code json}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The syslog message for {@code event} in this format: the complete RFC 5424 message for {@link #RFC5424}; for
     * the others the same RFC 5424 header, no structured data ({@code -}) and the CEF, LEEF or JSON line as MSG.
     *
     * @param facility the syslog facility, 0–23
     */
    public String syslogMessage(ExportedEvent event, ExportOrigin origin, int facility) {
        return switch (this) {
            case RFC5424 -> Rfc5424Format.message(event, origin, facility);
            case CEF -> Rfc5424Format.wrap(event, origin, facility, CefFormat.line(event, origin));
            case LEEF -> Rfc5424Format.wrap(event, origin, facility, LeefFormat.line(event, origin));
            case JSON -> Rfc5424Format.wrap(event, origin, facility, JsonEventFormat.line(event, origin));
        };
    }

    /**
     * Reads a format name from settings, in any case.
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static MessageFormat parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (MessageFormat format : values()) {
            if (format.label().equals(value) || (format == RFC5424 && value.equals("rfc-5424"))) {
                return format;
            }
        }
        throw new IllegalArgumentException("format: '" + text + "' (expected: one of "
                + Arrays.stream(values()).map(MessageFormat::label).collect(Collectors.joining(", ")) + ")");
    }
}
