package dev.secureconnect.appliance.console;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One request to the console, as {@link ConsoleApi} sees it (no Netty types: the API is tested without sockets).
 *
 * @param path the request target as sent, query included
 * @param sessionCookie the value of the {@value ConsoleApi#COOKIE} cookie, or null
 * @param csrf the {@value ConsoleApi#CSRF_HEADER} header, or null
 * @param origin the {@code Origin} header, or null
 * @param host the {@code Host} header, or null
 * @param source the client's address
 */
record ConsoleRequest(
        String method,
        String path,
        @Nullable String sessionCookie,
        @Nullable String csrf,
        @Nullable String origin,
        @Nullable String host,
        @Nullable String contentType,
        byte[] body,
        String source) {

    ConsoleRequest {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(body, "body");
        requireNonNull(source, "source");
    }

    /** Never prints the cookie, the token or the body (a password). */
    @Override
    public String toString() {
        return "ConsoleRequest[" + method + " " + path + " from " + source + "]";
    }
}
