package dev.secureconnect.server.callhome;

import java.time.Instant;

/**
 * What the server reads out of a bundle to store and list it; the bundle itself is kept as it came.
 *
 * @param summary one line: failing health checks, services down, the fullest file system
 */
public record ReceivedBundle(
        String id, String serial, Instant createdAt, String trigger, String version, String summary) {}
