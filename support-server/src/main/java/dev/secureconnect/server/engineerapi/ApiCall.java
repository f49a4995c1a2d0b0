package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request to the JSON API, copied off the event loop's buffers so that an endpoint may run on another thread.
 *
 * @param connection the engineer connection it came over
 * @param body the request body as UTF-8 text (empty when none)
 * @param bearer the {@code Authorization: Bearer} value, or null; never printed
 * @param session the login session, for endpoints that require one (checked by the router), else null
 * @param query the query string's parameters, decoded
 */
record ApiCall(
        EngineerConnection connection,
        String body,
        @Nullable String bearer,
        @Nullable LoginSession session,
        Map<String, List<String>> query) {

    private static final ObjectMapper JSON = Mappers.json();

    ApiCall {
        query = Map.copyOf(query);
    }

    /** The login of the session's engineer, for an endpoint that requires a session (the router checked it). */
    String login() {
        return requireNonNull(session, "an endpoint that requires a login session has one")
                .login();
    }

    /** The one value of query parameter {@code name}, or null when absent; a 400 {@link ApiException} if repeated. */
    @Nullable
    String parameter(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad-parameter", name + ": given more than once");
        }
        return values.get(0);
    }

    /** The body as a JSON object; a 400 {@link ApiException} naming {@code expected} otherwise. */
    JsonNode json(String expected) {
        try {
            JsonNode node = body.isBlank() ? null : JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad-request", "body must be " + expected);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ApiException(
                    HttpResponseStatus.BAD_REQUEST, "bad-request", "body is not JSON: expected " + expected);
        }
    }

    @Override
    public String toString() {
        return "ApiCall[" + connection.login() + " from " + connection.source() + "]";
    }
}
