package dev.secureconnect.tunnel.link;

import io.netty.handler.codec.http2.Http2Headers;
import java.util.Objects;

/**
 * What every session request on the link (CONNECT, exec, files) carries besides its target: the server's session id,
 * the token's ticket, the access token, and the engineer with their certificate (base64 DER) so that the appliance
 * can check the token's holder-of-key binding itself.
 *
 * @param token the compact JWS, or empty; never printed
 * @param engineerCertificate base64 (standard alphabet) DER of the engineer's certificate, or empty
 */
public record SessionCredentials(
        String sessionId, String ticket, String token, String engineer, String engineerCertificate) {

    private static final String BEARER = "Bearer ";

    public SessionCredentials {
        sessionId = Objects.requireNonNullElse(sessionId, "");
        ticket = Objects.requireNonNullElse(ticket, "");
        token = Objects.requireNonNullElse(token, "");
        engineer = Objects.requireNonNullElse(engineer, "");
        engineerCertificate = Objects.requireNonNullElse(engineerCertificate, "");
    }

    /** Adds these credentials to a request's headers and returns them. */
    public Http2Headers addTo(Http2Headers headers) {
        headers.set(LinkProtocol.HEADER_SESSION, sessionId).set(LinkProtocol.HEADER_TICKET, ticket);
        if (!token.isEmpty()) {
            headers.set("authorization", BEARER + token);
        }
        if (!engineer.isEmpty()) {
            headers.set(LinkProtocol.HEADER_ENGINEER, engineer);
        }
        if (!engineerCertificate.isEmpty()) {
            headers.set(LinkProtocol.HEADER_ENGINEER_CERTIFICATE, engineerCertificate);
        }
        return headers;
    }

    /** Reads the credentials of a request; missing ones are empty. */
    public static SessionCredentials from(Http2Headers headers) {
        String authorization = text(headers, "authorization");
        String token = authorization.startsWith(BEARER)
                ? authorization.substring(BEARER.length()).trim()
                : "";
        return new SessionCredentials(
                text(headers, LinkProtocol.HEADER_SESSION),
                text(headers, LinkProtocol.HEADER_TICKET),
                token,
                text(headers, LinkProtocol.HEADER_ENGINEER),
                text(headers, LinkProtocol.HEADER_ENGINEER_CERTIFICATE));
    }

    private static String text(Http2Headers headers, String name) {
        CharSequence value = headers.get(name);
        return value == null ? "" : value.toString();
    }

    @Override
    public String toString() {
        return "SessionCredentials[session=" + sessionId + ", ticket=" + ticket + ", engineer=" + engineer
                + (token.isEmpty() ? "" : ", token=(hidden)") + "]";
    }
}
