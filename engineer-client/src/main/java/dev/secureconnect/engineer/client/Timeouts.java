package dev.secureconnect.engineer.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long the client waits.
 *
 * @param connect for the TCP connection to the server
 * @param handshake for the TLS handshake
 * @param request for the answer to a JSON API request
 * @param stream for the server's answer to a session stream (it answers once the appliance did)
 */
public record Timeouts(Duration connect, Duration handshake, Duration request, Duration stream) {

    public static final Timeouts DEFAULT = new Timeouts(
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30));

    public Timeouts {
        requireNonNull(connect, "connect");
        requireNonNull(handshake, "handshake");
        requireNonNull(request, "request");
        requireNonNull(stream, "stream");
    }
}
