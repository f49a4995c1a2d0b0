package dev.secureconnect.appliance.audit;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened on the appliance, before it is numbered and chained into the log.
 *
 * @param actor who did it: the local user for admin commands, {@code server} for what the support server did
 * @param target {@code host:port} of a stream's service
 * @param outcome {@code success}, {@code refused} or {@code failure}
 * @param reason why (refusals, link down), one line
 * @param bytesToService bytes from the server to the local service over a closed stream
 * @param bytesFromService bytes from the local service to the server over a closed stream
 * @param details what else the event names, in order (token id, command and arguments, exit status, file size and
 *     SHA-256, …): strings, numbers, booleans or lists of strings; null when none. Never a token or a secret.
 */
public record ApplianceAuditEvent(
        EventType type,
        String actor,
        @Nullable String ticket,
        @Nullable String session,
        @Nullable String target,
        @Nullable String outcome,
        @Nullable String reason,
        @Nullable Long bytesToService,
        @Nullable Long bytesFromService,
        Map<String, Object> details) {

    public static final String SUCCESS = "success";
    public static final String REFUSED = "refused";
    public static final String FAILURE = "failure";

    public ApplianceAuditEvent {
        requireNonNull(type, "type");
        requireNonNull(actor, "actor");
        outcome = outcome == null ? SUCCESS : outcome;
        reason = reason == null ? null : OneLine.of(reason);
        details =
                details == null || details.isEmpty() ? null : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static Builder of(EventType type, String actor) {
        return new Builder(type, actor);
    }

    /** Builds an event field by field. */
    public static final class Builder {
        private final EventType type;
        private final String actor;
        private @Nullable String ticket;
        private @Nullable String session;
        private @Nullable String target;
        private @Nullable String outcome;
        private @Nullable String reason;
        private @Nullable Long bytesToService;
        private @Nullable Long bytesFromService;
        private final Map<String, Object> details = new LinkedHashMap<>();

        private Builder(EventType type, String actor) {
            this.type = type;
            this.actor = actor;
        }

        public Builder ticket(@Nullable String value) {
            ticket = value;
            return this;
        }

        public Builder session(String value) {
            session = value;
            return this;
        }

        public Builder target(String value) {
            target = value;
            return this;
        }

        public Builder refused(@Nullable String why) {
            outcome = REFUSED;
            reason = why;
            return this;
        }

        public Builder failed(String why) {
            outcome = FAILURE;
            reason = why;
            return this;
        }

        public Builder reason(@Nullable String why) {
            reason = why;
            return this;
        }

        public Builder bytes(long toService, long fromService) {
            bytesToService = toService;
            bytesFromService = fromService;
            return this;
        }

        /** Adds one detail; a null value is left out, a string is cut to one line. */
        public Builder detail(String key, @Nullable Object value) {
            if (value instanceof String text) {
                details.put(key, OneLine.of(text));
            } else if (value instanceof List<?> list) {
                details.put(
                        key,
                        list.stream()
                                .map(item -> OneLine.of(String.valueOf(item)))
                                .toList());
            } else if (value != null) {
                details.put(key, value);
            }
            return this;
        }

        public ApplianceAuditEvent build() {
            return new ApplianceAuditEvent(
                    type, actor, ticket, session, target, outcome, reason, bytesToService, bytesFromService, details);
        }
    }
}
