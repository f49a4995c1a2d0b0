package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import java.util.Map;

/** {@code POST /api/v1/logout} (bearer session): ends the session, audited {@code logout}. */
final class LogoutEndpoint implements Endpoint {

    private final LoginSessions sessions;
    private final ServerAuditLog audit;

    LogoutEndpoint(LoginSessions sessions, ServerAuditLog audit) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.audit = requireNonNull(audit, "audit");
    }

    @Override
    public ApiResponse handle(ApiCall call) {
        sessions.end(call.bearer());
        audit.appendOrHold(
                java.util.List.of(ServerAuditEvent.builder(EventType.LOGOUT)
                        .actor(call.login())
                        .source(call.connection().source())
                        .detail("certificate", call.connection().fingerprint().toString())
                        .build()),
                ServerAuditLog.Hold.ALWAYS); // the session has ended: its record follows, never dropped
        return ApiResponse.ok(Map.of("loggedOut", true));
    }
}
