package dev.secureconnect.appliance.link;

import dev.secureconnect.appliance.access.EngineerAccess;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.events.EventType;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Who and what one session is, for its audit records: the server's session id, the ticket, the engineer (login and
 * the name from the certificate) and token id (once the token verified), the kind and the target.
 */
record SessionInfo(
        String id,
        String ticket,
        @Nullable String engineer,
        @Nullable String engineerName,
        @Nullable UUID tokenId,
        SessionRequest.Kind kind,
        String target) {

    static SessionInfo of(SessionRequest request, @Nullable EngineerAccess access) {
        AccessToken token = access == null ? null : access.token();
        return new SessionInfo(
                OneLine.of(request.credentials().sessionId()),
                OneLine.of(request.credentials().ticket()),
                token == null ? null : token.engineer(),
                access == null ? null : OneLine.of(access.name()),
                token == null ? null : token.id(),
                request.kind(),
                OneLine.of(request.target()));
    }

    /** An audit event about this session: actor the engineer (or {@code server} before the token is trusted). */
    ApplianceAuditEvent.Builder event(EventType type) {
        return ApplianceAuditEvent.of(type, engineer == null ? Sessions.SERVER_ACTOR : engineer)
                .ticket(ticket)
                .session(id)
                .target(target)
                .detail("kind", kind.label)
                .detail("tokenId", tokenId == null ? null : tokenId.toString());
    }

    String describe() {
        return kind.label + " " + target + " (session " + id + ", ticket " + ticket
                + (engineer == null ? "" : ", engineer " + engineer) + ")";
    }
}
