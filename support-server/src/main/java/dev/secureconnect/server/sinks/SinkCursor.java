package dev.secureconnect.server.sinks;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where one sink is in the audit log.
 *
 * @param name the sink's name ({@code mail} for the mail notifier)
 * @param deliveredSeq the last record handed over or filtered out; the sink goes on after it
 * @param deliveredAt when the cursor last moved, or null
 * @param failingSince the first failure of the current streak, or null while delivering
 * @param lastError the last delivery error (one line), or null
 * @param lastErrorAt when it happened, or null
 */
public record SinkCursor(
        String name,
        long deliveredSeq,
        @Nullable Instant deliveredAt,
        @Nullable Instant failingSince,
        @Nullable String lastError,
        @Nullable Instant lastErrorAt) {

    public SinkCursor {
        requireNonNull(name, "name");
    }

    public boolean failing() {
        return failingSince != null;
    }
}
