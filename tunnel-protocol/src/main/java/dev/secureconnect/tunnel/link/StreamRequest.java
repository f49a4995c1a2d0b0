package dev.secureconnect.tunnel.link;

import dev.secureconnect.crypto.text.OneLine;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Objects;

/**
 * A session stream's request: an HTTP/2 {@code CONNECT} to a service on the appliance, with the session and
 * ticket it belongs to and (from the engineer-access issue on) the access token.
 *
 * @param host the target host as given; the appliance only ever connects to its loopback address
 * @param token the access token, or empty; never printed
 */
public record StreamRequest(String host, int port, String sessionId, String ticket, String token) {

    public StreamRequest {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(ticket, "ticket");
        token = token == null ? "" : token;
        if (port < 1 || port > 65_535) {
            throw new LinkException("port " + port + " is not valid: expected 1 to 65535");
        }
    }

    /** A CONNECT to the appliance's own loopback address. */
    public static StreamRequest loopback(int port, String sessionId, String ticket) {
        return new StreamRequest("127.0.0.1", port, sessionId, ticket, "");
    }

    public String authority() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }

    public Http2Headers toHeaders() {
        Http2Headers headers = new DefaultHttp2Headers()
                .method("CONNECT")
                .authority(authority())
                .set(LinkProtocol.HEADER_SESSION, sessionId)
                .set(LinkProtocol.HEADER_TICKET, ticket);
        if (!token.isEmpty()) {
            headers.set("authorization", "Bearer " + token);
        }
        return headers;
    }

    /** Reads a CONNECT request; anything else is refused with a reason to send back. */
    public static StreamRequest fromHeaders(Http2Headers headers) {
        if (headers.method() == null || !"CONNECT".contentEquals(headers.method())) {
            throw new LinkException(
                    "expected a CONNECT request, got " + OneLine.quoted(String.valueOf(headers.method())));
        }
        CharSequence authority = headers.authority();
        if (authority == null) {
            throw new LinkException("CONNECT without :authority");
        }
        String text = authority.toString();
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new LinkException("CONNECT :authority '" + OneLine.quoted(text) + "' has no port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new LinkException("CONNECT :authority '" + OneLine.quoted(text) + "' has no valid port", e);
        }
        String token = "";
        CharSequence authorization = headers.get("authorization");
        if (authorization != null && authorization.toString().startsWith("Bearer ")) {
            token = authorization.toString().substring("Bearer ".length());
        }
        return new StreamRequest(
                host,
                port,
                text(headers, LinkProtocol.HEADER_SESSION),
                text(headers, LinkProtocol.HEADER_TICKET),
                token);
    }

    private static String text(Http2Headers headers, String name) {
        CharSequence value = headers.get(name);
        return value == null ? "" : value.toString();
    }

    @Override
    public String toString() {
        return "StreamRequest[" + authority() + ", session=" + sessionId + ", ticket=" + ticket
                + (token.isEmpty() ? "" : ", token=(hidden)") + "]";
    }
}
