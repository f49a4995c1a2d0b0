package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer of the JSON API: a status, a body to write as JSON, and extra headers.
 *
 * @param body a map or list for Jackson
 */
record ApiResponse(HttpResponseStatus status, Object body, Map<String, String> headers) {

    ApiResponse {
        requireNonNull(status, "status");
        requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    static ApiResponse ok(Object body) {
        return new ApiResponse(HttpResponseStatus.OK, body, Map.of());
    }

    /** {@code {"error": message, "reason": code}} plus {@code extra} fields. */
    static ApiResponse error(HttpResponseStatus status, String code, String message, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", OneLine.of(message));
        body.put("reason", code);
        body.putAll(extra);
        Map<String, String> headers =
                status.equals(HttpResponseStatus.UNAUTHORIZED) ? Map.of("www-authenticate", "Bearer") : Map.of();
        return new ApiResponse(status, body, headers);
    }

    static ApiResponse error(HttpResponseStatus status, String code, String message) {
        return error(status, code, message, Map.of());
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, body, more);
    }
}
