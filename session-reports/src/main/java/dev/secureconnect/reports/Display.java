package dev.secureconnect.reports;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How reports show times, durations and byte counts; the templates' helpers use the same. */
final class Display {

    private Display() {}

    /** ISO-8601 to the second, UTC: {@code 2025-03-04T10:02:05Z}. */
    static String time(Instant time) {
        return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@code 350ms}, {@code 45s}, {@code 2m 05s}, {@code 1h 02m 03s}, {@code 2d 03h 04m}. */
    static String duration(Duration duration) {
        if (duration.isNegative()) {
            return "-" + duration(duration.negated());
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            return duration.toMillis() + "ms";
        }
        long days = duration.toDays();
        int hours = duration.toHoursPart();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        if (days > 0) {
            return String.format(Locale.ROOT, "%dd %02dh %02dm", days, hours, minutes);
        }
        if (hours > 0) {
            return String.format(Locale.ROOT, "%dh %02dm %02ds", hours, minutes, seconds);
        }
        if (minutes > 0) {
            return String.format(Locale.ROOT, "%dm %02ds", minutes, seconds);
        }
        return seconds + "s";
    }

    /** {@code 1 byte}, {@code 1,234 bytes}. */
    static String bytes(long count) {
        return count == 1 ? "1 byte" : number(count) + " bytes";
    }

    /** {@code 1,234,567}. */
    static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** A detail that should be a whole number, or null when it is absent or not one. */
    static @Nullable Long parseLong(@Nullable String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
