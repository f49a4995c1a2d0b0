package dev.secureconnect.server.callhome;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * A row of {@code callhome_bundles}.
 *
 * @param bodyFile the compressed bundle, relative to the server directory
 */
@JsonPropertyOrder({
    "id",
    "appliance",
    "createdAt",
    "receivedAt",
    "trigger",
    "version",
    "compressedBytes",
    "jsonBytes",
    "sha256",
    "summary",
    "bodyFile"
})
public record StoredBundle(
        String id,
        String appliance,
        Instant createdAt,
        Instant receivedAt,
        String trigger,
        String version,
        long compressedBytes,
        long jsonBytes,
        String sha256,
        String summary,
        String bodyFile) {}
