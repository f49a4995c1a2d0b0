package dev.secureconnect.engineer.client;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.engineer.internal.Json;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The request headers of session streams on the engineer listener, as the wire contract has them: a CONNECT to a
 * port on the appliance's loopback address, an exec of a catalogue command, a file GET or PUT — each with
 * {@code authorization: Bearer SESSION}, {@value LinkProtocol#HEADER_ACCESS_TOKEN} and
 * {@value LinkProtocol#HEADER_APPLIANCE}. The request never ends the stream: its body follows as DATA once the
 * server answered 200.
 */
public final class SessionRequests {

    private SessionRequests() {}

    /** {@code CONNECT 127.0.0.1:PORT}: forward and proxy. */
    public static Http2Headers connect(int port, StreamCredentials credentials) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is not valid: expected 1 to 65535");
        }
        return withCredentials(new DefaultHttp2Headers().method("CONNECT").authority("127.0.0.1:" + port), credentials);
    }

    /** {@code POST /v1/exec} with {@code sc-command} and, when there are arguments, {@code sc-args} (a JSON array). */
    public static Http2Headers exec(
            ServerAddress server, String command, List<String> args, StreamCredentials credentials) {
        requireNonNull(command, "command");
        Http2Headers headers =
                request("POST", LinkProtocol.PATH_EXEC, server).set(LinkProtocol.HEADER_COMMAND, command);
        if (args != null && !args.isEmpty()) {
            headers.set(LinkProtocol.HEADER_ARGS, new String(Json.bytes(List.copyOf(args)), StandardCharsets.UTF_8));
        }
        return withCredentials(headers, credentials);
    }

    /** {@code GET /v1/files?path=…}. */
    public static Http2Headers getFile(ServerAddress server, String remotePath, StreamCredentials credentials) {
        return withCredentials(request("GET", filePath(remotePath), server), credentials);
    }

    /** {@code PUT /v1/files?path=…}. */
    public static Http2Headers putFile(ServerAddress server, String remotePath, StreamCredentials credentials) {
        return withCredentials(request("PUT", filePath(remotePath), server), credentials);
    }

    /** {@code /v1/files?path=URL-encoded absolute path}. */
    static String filePath(String remotePath) {
        requireNonNull(remotePath, "remotePath");
        return LinkProtocol.PATH_FILES + "?" + LinkProtocol.QUERY_PATH + "="
                + URLEncoder.encode(remotePath, StandardCharsets.UTF_8);
    }

    private static Http2Headers request(String method, String path, ServerAddress server) {
        return new DefaultHttp2Headers()
                .method(method)
                .path(path)
                .scheme("https")
                .authority(server.hostForUrl());
    }

    private static Http2Headers withCredentials(Http2Headers headers, StreamCredentials credentials) {
        return headers.set("authorization", "Bearer " + credentials.session())
                .set(LinkProtocol.HEADER_ACCESS_TOKEN, credentials.token())
                .set(LinkProtocol.HEADER_APPLIANCE, credentials.appliance());
    }
}
