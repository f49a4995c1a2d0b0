package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened and must be on the record: what ({@code type}), who, to which appliance, under which
 * ticket and session, from where, and whether it succeeded. Everything but the type and the outcome may be
 * {@code null} when it does not apply; {@code details} holds the rest (a reason, a byte count, a title) as strings,
 * sorted by key.
 *
 * <pre>{@code
 * ServerAuditEvent.builder(EventType.TICKET_REFUSED)
 *         .appliance("SN-1234").ticket("12345678").source("203.0.113.7:50412")
 *         .outcome(Outcome.FAILURE).detail("reason", "ticket closed")
 *         .build();
 * }</pre>
 *
 * @param type the catalogue entry
 * @param actor who acted (an engineer's login, {@code operator:NAME}, an appliance serial, {@code system}), or null
 * @param applianceSerial the appliance concerned, or null
 * @param ticket the ticket number as quoted (a refused one may not be valid), or null
 * @param sessionId the engineer session or stream, or null
 * @param sourceAddress the peer's address ({@code host:port}), or null
 * @param outcome whether the action succeeded
 * @param details further facts, never secrets; unmodifiable and sorted by key (entries with a null value are left out)
 */
public record ServerAuditEvent(
        EventType type,
        @Nullable String actor,
        @Nullable String applianceSerial,
        @Nullable String ticket,
        @Nullable String sessionId,
        @Nullable String sourceAddress,
        Outcome outcome,
        Map<String, String> details) {

    /** Whether the action the event records succeeded. */
    public enum Outcome {
        SUCCESS,
        FAILURE;

        /** The lower-case name stored in the database and shown in listings. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Outcome ofCode(String code) {
            for (Outcome outcome : values()) {
                if (outcome.code().equals(code)) {
                    return outcome;
                }
            }
            throw new IllegalArgumentException("unknown outcome '" + code + "'");
        }
    }

    public ServerAuditEvent {
        requireNonNull(type, "type");
        requireNonNull(outcome, "outcome");
        TreeMap<String, String> sorted = new TreeMap<>();
        if (details != null) {
            details.forEach((key, value) -> {
                if (value != null) {
                    sorted.put(requireNonNull(key, "details key"), value);
                }
            });
        }
        details = Collections.unmodifiableSortedMap(sorted);
    }

    /** Starts an event of the given type; the outcome is {@link Outcome#SUCCESS} unless set. */
    public static Builder builder(EventType type) {
        return new Builder(type);
    }

    /** Builds an {@link ServerAuditEvent}; every setter may be left out. */
    public static final class Builder {
        private final EventType type;
        private @Nullable String actor;
        private @Nullable String applianceSerial;
        private @Nullable String ticket;
        private @Nullable String sessionId;
        private @Nullable String sourceAddress;
        private Outcome outcome = Outcome.SUCCESS;
        private final TreeMap<String, String> details = new TreeMap<>();

        private Builder(EventType type) {
            this.type = requireNonNull(type, "type");
        }

        public Builder actor(@Nullable String actor) {
            this.actor = actor;
            return this;
        }

        public Builder appliance(@Nullable String applianceSerial) {
            this.applianceSerial = applianceSerial;
            return this;
        }

        public Builder ticket(@Nullable String ticket) {
            this.ticket = ticket;
            return this;
        }

        public Builder session(@Nullable String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public Builder source(@Nullable String sourceAddress) {
            this.sourceAddress = sourceAddress;
            return this;
        }

        public Builder outcome(Outcome outcome) {
            this.outcome = requireNonNull(outcome, "outcome");
            return this;
        }

        /**
         * Adds one detail; a later value for the same key replaces the earlier one, and a null value is left out (so
         * an optional fact can be passed as it is).
         */
        public Builder detail(String key, @Nullable String value) {
            requireNonNull(key, "key");
            if (value == null) {
                details.remove(key);
            } else {
                details.put(key, value);
            }
            return this;
        }

        /** Adds one numeric detail (a byte count, a port). */
        public Builder detail(String key, long value) {
            return detail(key, Long.toString(value));
        }

        public ServerAuditEvent build() {
            return new ServerAuditEvent(
                    type, actor, applianceSerial, ticket, sessionId, sourceAddress, outcome, details);
        }
    }
}
