package dev.secureconnect.server.engineerapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * One request to the JSON API, copied off the event loop's buffers so that an endpoint may run on another thread.
 *
 * @param connection the engineer connection it came over
 * @param body the request body as UTF-8 text (empty when none)
 * @param bearer the {@code Authorization: Bearer} value, or null; never printed
 * @param session the login session, for endpoints that require one (checked by the router), else null
 */
record ApiCall(EngineerConnection connection, String body, String bearer, LoginSession session) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The body as a JSON object; a 400 {@link ApiException} naming {@code expected} otherwise. */
    JsonNode json(String expected) {
        try {
            JsonNode node = body.isBlank() ? null : JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad-request", "body must be " + expected);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad-request", "body is not JSON: expected " + expected);
        }
    }

    @Override
    public String toString() {
        return "ApiCall[" + connection.login() + " from " + connection.source() + "]";
    }
}
