package dev.secureconnect.server.cases;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A row of {@code cases}: a problem Call Home found on an appliance, and the access it needs.
 *
 * @param bundleId the bundle the rule fired on; null for a missed heartbeat
 * @param stateReason why it was closed or declined
 */
@JsonPropertyOrder({
    "id",
    "appliance",
    "rule",
    "title",
    "severity",
    "bundleId",
    "dedupKey",
    "state",
    "scope",
    "openedAt",
    "updatedAt",
    "stateReason"
})
public record SupportCase(
        String id,
        String appliance,
        String rule,
        String title,
        CaseSeverity severity,
        @Nullable String bundleId,
        String dedupKey,
        State state,
        AccessScope scope,
        Instant openedAt,
        Instant updatedAt,
        @Nullable String stateReason) {

    /** Where a case is: opened by a rule, approved or declined by the appliance's admin, closed by the operator. */
    public enum State {
        OPEN,
        APPROVED,
        DECLINED,
        CLOSED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State of(String code) {
            return valueOf(code.toUpperCase(Locale.ROOT));
        }
    }
}
