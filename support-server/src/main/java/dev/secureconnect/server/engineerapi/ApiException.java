package dev.secureconnect.server.engineerapi;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the API refuses: answered {@code {"error": message, "reason": code}} with {@code status}. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;
    private final String code;

    ApiException(HttpResponseStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int statusCode() {
        return status.code();
    }

    ApiResponse response() {
        return ApiResponse.error(status, code, String.valueOf(getMessage()));
    }
}
