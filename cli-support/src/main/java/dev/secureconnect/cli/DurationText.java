package dev.secureconnect.cli;

import dev.secureconnect.crypto.text.OneLine;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration as people type it, on a command line ({@code --ttl 90m}) or in a configuration file: {@code 500ms},
 * {@code 20s}, {@code 90m}, {@code 24h}, {@code 7d}, or ISO-8601 ({@code PT20S}). The one parser of the four tools.
 */
public final class DurationText {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9}) *(ms|s|m|h|d)");

    private DurationText() {}

    /**
     * A number and a unit, or ISO-8601: what a configuration file takes.
     *
     * @throws IllegalArgumentException with a one-line message naming the expected form
     */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (trimmed.startsWith("p")) {
            try {
                return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // not ISO-8601 either: the message below says what is expected
            }
        }
        return parseSimple(text);
    }

    /**
     * A number and a unit only ({@code 90m}, {@code 24h}, {@code 7d}): what a command-line option takes.
     *
     * @throws IllegalArgumentException with a one-line message naming the expected form
     */
    public static Duration parseSimple(String text) {
        String trimmed = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher simple = SIMPLE.matcher(trimmed);
        if (!simple.matches()) {
            throw new IllegalArgumentException(
                    "'" + OneLine.of(String.valueOf(text)) + "' is not a duration (expected e.g. 500ms, 20s, 5m, 1h)");
        }
        long amount = Long.parseLong(simple.group(1));
        return switch (simple.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** The shortest exact form in hours at most: {@code 24h}, {@code 5m}, {@code 20s} or {@code 1500ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
