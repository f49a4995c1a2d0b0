package dev.secureconnect.appliance.link;

import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.SessionCredentials;
import dev.secureconnect.tunnel.link.StreamRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A session request the server opened a stream for: what it is ({@link Kind}), its target (the CONNECT authority, the
 * command's name or the file's path) and the credentials every session request carries.
 *
 * @param connect the CONNECT request, for {@link Kind#CONNECT} only
 */
record SessionRequest(
        Kind kind,
        String target,
        SessionCredentials credentials,
        Http2Headers headers,
        @Nullable StreamRequest connect) {

    /** The kinds of session, as audit records and the server's session list name them. */
    enum Kind {
        CONNECT("connect"),
        EXEC("exec"),
        GET("get"),
        PUT("put");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    static SessionRequest connect(StreamRequest request, Http2Headers headers) {
        return new SessionRequest(
                Kind.CONNECT, request.authority(), SessionCredentials.from(headers), headers, request);
    }

    /**
     * The exec or file request these headers carry, or null when they are something else (a control request).
     */
    static @Nullable SessionRequest of(Http2Headers headers) {
        CharSequence method = headers.method();
        CharSequence path = headers.path();
        if (method == null || path == null) {
            return null;
        }
        String text = path.toString();
        if ("POST".contentEquals(method) && text.equals(LinkProtocol.PATH_EXEC)) {
            CharSequence command = headers.get(LinkProtocol.HEADER_COMMAND);
            return new SessionRequest(
                    Kind.EXEC,
                    command == null ? "" : command.toString(),
                    SessionCredentials.from(headers),
                    headers,
                    null);
        }
        boolean files = text.equals(LinkProtocol.PATH_FILES) || text.startsWith(LinkProtocol.PATH_FILES + "?");
        if (files && ("GET".contentEquals(method) || "PUT".contentEquals(method))) {
            return new SessionRequest(
                    "GET".contentEquals(method) ? Kind.GET : Kind.PUT,
                    filePath(text),
                    SessionCredentials.from(headers),
                    headers,
                    null);
        }
        return null;
    }

    /** The decoded {@code path} query parameter, or empty when there is none (or more than one). */
    private static String filePath(String path) {
        try {
            List<String> values = new QueryStringDecoder(path, StandardCharsets.UTF_8)
                    .parameters()
                    .get(LinkProtocol.QUERY_PATH);
            return values == null || values.size() != 1 ? "" : values.get(0);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    @Nullable
    String header(String name) {
        CharSequence value = headers.get(name);
        return value == null ? null : value.toString();
    }
}
