package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.server.sessions.ActiveSession;
import dev.secureconnect.server.sessions.ActiveSessions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/sessions} (bearer session): the calling engineer's session streams active on this node. */
final class SessionsEndpoint implements Endpoint {

    private final ActiveSessions active;

    SessionsEndpoint(ActiveSessions active) {
        this.active = requireNonNull(active, "active");
    }

    @Override
    public ApiResponse handle(ApiCall call) {
        List<Map<String, Object>> list = active.ofEngineer(call.login()).stream()
                .map(SessionsEndpoint::row)
                .toList();
        return ApiResponse.ok(Map.of("sessions", list));
    }

    private static Map<String, Object> row(ActiveSession session) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", session.id());
        row.put("appliance", session.appliance());
        row.put("ticket", session.ticket());
        row.put("kind", session.request().kind().code());
        row.put("target", session.request().target());
        row.put("startedAt", session.startedAt().toString());
        row.put("bytesToAppliance", session.bytesToAppliance());
        row.put("bytesFromAppliance", session.bytesFromAppliance());
        return row;
    }
}
