package dev.secureconnect.server.sessions;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;

/**
 * What a session stream asks the appliance for, as the engineer sent it and as the server forwards it on the link
 * (the same pseudo-headers; the credentials are added apart, see {@code SessionCredentials}).
 *
 * @param host the appliance's loopback address, for {@link SessionKind#CONNECT}: {@value #IPV4_LOOPBACK} or
 *     {@value #IPV6_LOOPBACK}, always a literal (else empty)
 * @param port the service port, for {@link SessionKind#CONNECT} (else 0)
 * @param command the command name, for {@link SessionKind#EXEC} (else empty)
 * @param args the arguments added to the command's fixed argv, for exec
 * @param path the absolute file path, for {@link SessionKind#GET} and {@link SessionKind#PUT} (else empty)
 */
public record SessionRequest(SessionKind kind, String host, int port, String command, List<String> args, String path) {

    /** The IPv4 loopback literal a CONNECT may name. */
    public static final String IPV4_LOOPBACK = "127.0.0.1";
    /** The IPv6 loopback literal a CONNECT may name (in its authority: {@code [::1]:PORT}). */
    public static final String IPV6_LOOPBACK = "::1";

    private static final String CONNECT_FORMS = "127.0.0.1:PORT or [::1]:PORT";

    /** At most this many exec arguments. */
    static final int MAX_ARGS = 64;

    private static final int MAX_TEXT = 4096;
    private static final ObjectMapper JSON = Mappers.json();

    public SessionRequest {
        requireNonNull(kind, "kind");
        host = host == null ? "" : host;
        command = command == null ? "" : command;
        args = List.copyOf(args == null ? List.of() : args);
        path = path == null ? "" : path;
    }

    /** A CONNECT to {@code 127.0.0.1:port}. */
    public static SessionRequest connect(int port) {
        return connect(IPV4_LOOPBACK, port);
    }

    /** A CONNECT to {@code host:port}; {@code host} is {@value #IPV4_LOOPBACK} or {@value #IPV6_LOOPBACK}. */
    public static SessionRequest connect(String host, int port) {
        if (!IPV4_LOOPBACK.equals(host) && !IPV6_LOOPBACK.equals(host)) {
            throw new IllegalArgumentException(
                    "host " + host + " is not valid: expected " + IPV4_LOOPBACK + " or " + IPV6_LOOPBACK);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is not valid: expected 1 to 65535");
        }
        return new SessionRequest(SessionKind.CONNECT, host, port, "", List.of(), "");
    }

    public static SessionRequest exec(String command, List<String> args) {
        if (command == null || command.isBlank() || command.length() > 64 || hasControl(command)) {
            throw new IllegalArgumentException(LinkProtocol.HEADER_COMMAND + ": expected a command name");
        }
        return new SessionRequest(SessionKind.EXEC, "", 0, command, args, "");
    }

    public static SessionRequest file(SessionKind kind, String path) {
        if (kind != SessionKind.GET && kind != SessionKind.PUT) {
            throw new IllegalArgumentException("kind: " + kind + " (expected: GET or PUT)");
        }
        if (path == null || !path.startsWith("/") || path.length() > MAX_TEXT || hasControl(path)) {
            throw new IllegalArgumentException("path: expected an absolute path on the appliance");
        }
        return new SessionRequest(kind, "", 0, "", List.of(), path);
    }

    /** Whether an engineer's request headers ask for a session stream (rather than the JSON API). */
    public static boolean isSessionRequest(Http2Headers headers) {
        CharSequence method = headers.method();
        if (method == null) {
            return false;
        }
        if ("CONNECT".contentEquals(method)) {
            return true;
        }
        String path = headers.path() == null
                ? ""
                : new QueryStringDecoder(headers.path().toString()).path();
        return "POST".contentEquals(method) && LinkProtocol.PATH_EXEC.equals(path)
                || ("GET".contentEquals(method) || "PUT".contentEquals(method)) && LinkProtocol.PATH_FILES.equals(path);
    }

    /**
     * Reads a session request from an engineer's headers.
     *
     * @throws IllegalArgumentException with a one-line reason (answered 400)
     */
    public static SessionRequest fromHeaders(Http2Headers headers) {
        String method = text(headers.method());
        if (method.equals("CONNECT")) {
            return connect(text(headers.authority()));
        }
        QueryStringDecoder uri = new QueryStringDecoder(text(headers.path()));
        if (method.equals("POST") && uri.path().equals(LinkProtocol.PATH_EXEC)) {
            return exec(text(headers.get(LinkProtocol.HEADER_COMMAND)), args(headers.get(LinkProtocol.HEADER_ARGS)));
        }
        if (uri.path().equals(LinkProtocol.PATH_FILES) && (method.equals("GET") || method.equals("PUT"))) {
            List<String> paths = uri.parameters().get(LinkProtocol.QUERY_PATH);
            if (paths == null || paths.size() != 1) {
                throw new IllegalArgumentException(LinkProtocol.PATH_FILES + " needs exactly one ?path=");
            }
            return file(method.equals("GET") ? SessionKind.GET : SessionKind.PUT, paths.get(0));
        }
        throw new IllegalArgumentException("not a session request: " + method + " " + uri.path());
    }

    /** The request as the server opens it on the appliance's link (credentials not yet added). */
    public Http2Headers toLinkHeaders() {
        Http2Headers headers = new DefaultHttp2Headers();
        switch (kind) {
            case CONNECT -> headers.method("CONNECT").authority(target());
            case EXEC -> {
                headers.method("POST")
                        .scheme("https")
                        .authority("appliance")
                        .path(LinkProtocol.PATH_EXEC)
                        .set(LinkProtocol.HEADER_COMMAND, command);
                if (!args.isEmpty()) {
                    try {
                        headers.set(LinkProtocol.HEADER_ARGS, JSON.writeValueAsString(args));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("cannot encode the arguments", e);
                    }
                }
            }
            case GET, PUT -> {
                QueryStringEncoder uri = new QueryStringEncoder(LinkProtocol.PATH_FILES);
                uri.addParam(LinkProtocol.QUERY_PATH, path);
                headers.method(kind.name())
                        .scheme("https")
                        .authority("appliance")
                        .path(uri.toString());
            }
        }
        return headers;
    }

    /**
     * What the stream reaches, as audit records and listings show it: {@code 127.0.0.1:22} (or {@code [::1]:22}), a
     * command, a path.
     */
    public String target() {
        return switch (kind) {
            case CONNECT -> (IPV6_LOOPBACK.equals(host) ? "[" + host + "]" : host) + ":" + port;
            case EXEC -> command;
            case GET, PUT -> path;
        };
    }

    /**
     * A CONNECT's {@code :authority}: one of the two loopback literals and a decimal port, nothing else — no name
     * (not even {@code localhost}: the server does no lookup and the appliance reaches only its loopback), no other
     * spelling of an address.
     */
    private static SessionRequest connect(String authority) {
        String host;
        String port;
        if (authority.startsWith(IPV4_LOOPBACK + ":")) {
            host = IPV4_LOOPBACK;
            port = authority.substring(IPV4_LOOPBACK.length() + 1);
        } else if (authority.startsWith("[" + IPV6_LOOPBACK + "]:")) {
            host = IPV6_LOOPBACK;
            port = authority.substring(IPV6_LOOPBACK.length() + 3);
        } else {
            throw new IllegalArgumentException("CONNECT reaches the appliance's own services only: :authority must be "
                    + CONNECT_FORMS + ", a literal address (no name, not even localhost)");
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    "CONNECT :authority has no valid port: expected " + CONNECT_FORMS + " with PORT 1 to 65535");
        }
        return connect(host, Integer.parseInt(port));
    }

    private static List<String> args(CharSequence header) {
        if (header == null || header.length() == 0) {
            return List.of();
        }
        if (header.length() > MAX_TEXT) {
            throw new IllegalArgumentException(
                    LinkProtocol.HEADER_ARGS + " is longer than " + MAX_TEXT + " characters");
        }
        JsonNode array;
        try {
            array = JSON.readTree(header.toString());
        } catch (JsonProcessingException e) {
            array = null;
        }
        if (array == null || !array.isArray() || array.size() > MAX_ARGS) {
            throw new IllegalArgumentException(
                    LinkProtocol.HEADER_ARGS + " must be a JSON array of at most " + MAX_ARGS + " strings");
        }
        List<String> args = new ArrayList<>();
        for (JsonNode arg : array) {
            if (!arg.isTextual()) {
                throw new IllegalArgumentException(LinkProtocol.HEADER_ARGS + " must be a JSON array of strings");
            }
            args.add(arg.asText());
        }
        return args;
    }

    private static String text(CharSequence value) {
        return value == null ? "" : value.toString();
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }
}
