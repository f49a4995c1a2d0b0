package dev.secureconnect.engineer.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;

/**
 * The engineer client's JSON. Server answers are read leniently (a newer server may add keys); the client's own
 * files are written indented.
 */
public final class Json {

    /** For the server's answers and the client's requests. */
    public static final ObjectMapper MAPPER = Mappers.lenientJson();

    /** For files people read. */
    public static final ObjectMapper PRETTY = Mappers.indentedLenientJson();

    private Json() {}

    /** Encodes on one line. */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }
}
