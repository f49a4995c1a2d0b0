package dev.secureconnect.appliance.console;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to one console request: status, content type, body and extra headers ({@code Set-Cookie},
 * {@code Content-Disposition}); {@link ConsoleHandler} adds the security headers every answer carries.
 */
record ConsoleResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json; charset=utf-8";

    ConsoleResponse {
        requireNonNull(contentType, "contentType");
        requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    static ConsoleResponse json(int status, String json) {
        return new ConsoleResponse(status, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    ConsoleResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ConsoleResponse(status, contentType, body, more);
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ConsoleResponse[" + status + " " + contentType + ", " + body.length + " bytes]";
    }
}
