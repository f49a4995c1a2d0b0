package dev.secureconnect.appliance.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in a config file: {@code 500ms}, {@code 20s}, {@code 5m}, {@code 1h}, or ISO-8601
 * ({@code PT20S}).
 */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

    private Durations() {}

    /** @throws IllegalArgumentException with a message naming the expected form */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher simple = SIMPLE.matcher(trimmed);
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            return switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        if (trimmed.startsWith("pt")) {
            try {
                return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration (expected e.g. 500ms, 20s, 5m, 1h)");
    }

    /** The shortest exact form: {@code 1h}, {@code 5m}, {@code 20s} or {@code 1500ms}. */
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

    /** Jackson (de)serialisers for {@link Duration} in this form. */
    public static SimpleModule jacksonModule() {
        SimpleModule module = new SimpleModule("secureconnect-durations");
        module.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration value, JsonGenerator out, SerializerProvider provider) throws IOException {
                out.writeString(format(value));
            }
        });
        module.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser in, DeserializationContext context) throws IOException {
                if (in.currentToken() != JsonToken.VALUE_STRING) {
                    return (Duration) context.handleUnexpectedToken(
                            Duration.class, in.currentToken(), in, "expected a duration as a string such as \"20s\"");
                }
                try {
                    return parse(in.getText());
                } catch (IllegalArgumentException e) {
                    throw com.fasterxml.jackson.databind.exc.InvalidFormatException.from(
                            in, e.getMessage(), in.getText(), Duration.class);
                }
            }
        });
        return module;
    }
}
