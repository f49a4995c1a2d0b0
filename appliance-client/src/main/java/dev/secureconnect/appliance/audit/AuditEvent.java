package dev.secureconnect.appliance.audit;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.internal.OneLine;
import dev.secureconnect.tunnel.audit.EventType;

/**
 * Something that happened on the appliance, before it is numbered and chained into the log.
 *
 * @param actor who did it: the local user for admin commands, {@code server} for what the support server did
 * @param target {@code host:port} of a stream's service
 * @param outcome {@code success}, {@code refused} or {@code failure}
 * @param reason why (refusals, link down), one line
 * @param bytesToService bytes from the server to the local service over a closed stream
 * @param bytesFromService bytes from the local service to the server over a closed stream
 */
public record AuditEvent(
        EventType type,
        String actor,
        String ticket,
        String session,
        String target,
        String outcome,
        String reason,
        Long bytesToService,
        Long bytesFromService) {

    public static final String SUCCESS = "success";
    public static final String REFUSED = "refused";
    public static final String FAILURE = "failure";

    public AuditEvent {
        requireNonNull(type, "type");
        requireNonNull(actor, "actor");
        outcome = outcome == null ? SUCCESS : outcome;
        reason = reason == null ? null : OneLine.of(reason);
    }

    public static Builder of(EventType type, String actor) {
        return new Builder(type, actor);
    }

    /** Builds an event field by field. */
    public static final class Builder {
        private final EventType type;
        private final String actor;
        private String ticket;
        private String session;
        private String target;
        private String outcome;
        private String reason;
        private Long bytesToService;
        private Long bytesFromService;

        private Builder(EventType type, String actor) {
            this.type = type;
            this.actor = actor;
        }

        public Builder ticket(String value) {
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

        public Builder refused(String why) {
            outcome = REFUSED;
            reason = why;
            return this;
        }

        public Builder failed(String why) {
            outcome = FAILURE;
            reason = why;
            return this;
        }

        public Builder reason(String why) {
            reason = why;
            return this;
        }

        public Builder bytes(long toService, long fromService) {
            bytesToService = toService;
            bytesFromService = fromService;
            return this;
        }

        public AuditEvent build() {
            return new AuditEvent(type, actor, ticket, session, target, outcome, reason, bytesToService, bytesFromService);
        }
    }
}
