package dev.secureconnect.server.cases;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The de-duplication state of one key of one appliance: the case it opened last, when its condition was last seen
 * true, and since when it has been seen clear (null while it keeps firing).
 */
public record AlertState(
        String appliance,
        String dedupKey,
        String rule,
        String caseId,
        Instant firedAt,
        @Nullable Instant clearSince) {

    /**
     * Whether a firing of a key in {@code state} (null: never fired) at {@code now} opens a new case: the first
     * firing does; while the condition keeps holding nothing new opens (a disk that stays full is one case); once it
     * was seen clear, it opens again only when it stayed clear for {@code rearm} (a flapping condition is one case).
     */
    public static boolean opens(@Nullable AlertState state, Instant now, Duration rearm) {
        if (state == null) {
            return true;
        }
        Instant clear = state.clearSince();
        return clear != null && Duration.between(clear, now).compareTo(rearm) >= 0;
    }
}
