package dev.secureconnect.server.sessions;

import static java.util.Objects.requireNonNull;

import java.security.cert.X509Certificate;

/**
 * One engineer's request for a session stream, with what the server knows of the connection that carried it.
 *
 * @param login the engineer the request comes from (the login session's, or the certificate's)
 * @param certificate the engineer certificate of the mutual-TLS connection: the token's holder must be it
 * @param source the engineer's address ({@code host:port}) for the audit log, or null
 * @param appliance the serial the stream is for ({@code sc-appliance})
 * @param token the compact access token ({@code sc-access-token}); never printed
 */
public record SessionAttempt(
        String login,
        X509Certificate certificate,
        String source,
        String appliance,
        String token,
        SessionRequest request) {

    public SessionAttempt {
        requireNonNull(login, "login");
        requireNonNull(certificate, "certificate");
        requireNonNull(appliance, "appliance");
        requireNonNull(token, "token");
        requireNonNull(request, "request");
    }

    @Override
    public String toString() {
        return "SessionAttempt[" + login + " from " + source + " → " + appliance + " "
                + request.kind().code() + " " + request.target() + ", token=(hidden)]";
    }
}
