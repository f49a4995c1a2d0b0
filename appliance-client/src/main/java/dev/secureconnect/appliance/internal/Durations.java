package dev.secureconnect.appliance.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.secureconnect.cli.DurationText;
import java.io.IOException;
import java.time.Duration;

/**
 * Durations as people write them in the appliance's config file ({@link DurationText}'s forms: {@code 500ms},
 * {@code 20s}, {@code 5m}, {@code 1h}, {@code 7d}, or ISO-8601), and Jackson's (de)serialisers for them.
 */
public final class Durations {

    private Durations() {}

    /**
     * @throws IllegalArgumentException with a message naming the expected form
     * @see DurationText#parse
     */
    public static Duration parse(String text) {
        return DurationText.parse(text);
    }

    /** The shortest exact form: {@code 1h}, {@code 5m}, {@code 20s} or {@code 1500ms}. */
    public static String format(Duration duration) {
        return DurationText.format(duration);
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
