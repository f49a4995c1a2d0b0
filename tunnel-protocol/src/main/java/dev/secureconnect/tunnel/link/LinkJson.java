package dev.secureconnect.tunnel.link;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** JSON encoding of link control messages (hello, admission): strict, unknown fields refused. */
public final class LinkJson {

    private static final ObjectMapper JSON = Mappers.json();

    private LinkJson() {}

    public static byte[] encode(Object message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** Decodes a message, refusing anything over {@link LinkProtocol#MAX_MESSAGE_BYTES}, malformed or JSON {@code null}. */
    public static <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes.length > LinkProtocol.MAX_MESSAGE_BYTES) {
            throw new LinkException(type.getSimpleName() + " of " + bytes.length + " bytes exceeds the limit of "
                    + LinkProtocol.MAX_MESSAGE_BYTES);
        }
        T message;
        try {
            message = JSON.readValue(bytes, type);
        } catch (IOException | RuntimeException e) {
            throw new LinkException(
                    "malformed " + type.getSimpleName() + ": "
                            + OneLine.quoted(new String(bytes, 0, Math.min(bytes.length, 80), StandardCharsets.UTF_8)),
                    e);
        }
        if (message == null) {
            throw new LinkException("malformed " + type.getSimpleName() + ": null (expected a JSON object)");
        }
        return message;
    }
}
