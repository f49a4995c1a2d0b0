package dev.secureconnect.server.engineerapi;

import static dev.secureconnect.crypto.pki.CertificateRole.API_CLIENT;
import static dev.secureconnect.crypto.pki.CertificateRole.ENGINEER;
import static java.util.Objects.requireNonNull;

import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.link.ApplianceLinks;
import dev.secureconnect.server.metrics.LoginMetrics;
import dev.secureconnect.server.sessions.SessionGate;
import dev.secureconnect.server.tokens.TokenIssuance;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What the engineer listener serves after the handshake: the JSON API's routes, each for one certificate role, and
 * the session streams (engineers only). Built once per server; shared by every connection.
 */
public final class EngineerApi {

    private final ApiRouter router;
    private final LoginSessions sessions;
    private final SessionGate gate;

    /** @param origin who the audit events served to API clients say they come from (this node) */
    public EngineerApi(
            EngineerStore engineers,
            LoginSessions sessions,
            ApplianceLinks links,
            TokenIssuance issuance,
            SessionGate gate,
            ServerAuditLog audit,
            ExportOrigin origin,
            Executor blocking) {
        this(engineers, sessions, links, issuance, gate, audit, origin, blocking, SourceGuard.OPEN);
    }

    /**
     * @param origin who the audit events served to API clients say they come from (this node)
     * @param guard told of each wrong TOTP code, counted towards blocking its source address
     */
    public EngineerApi(
            EngineerStore engineers,
            LoginSessions sessions,
            ApplianceLinks links,
            TokenIssuance issuance,
            SessionGate gate,
            ServerAuditLog audit,
            ExportOrigin origin,
            Executor blocking,
            SourceGuard guard) {
        this(engineers, sessions, links, issuance, gate, audit, origin, blocking, guard, null);
    }

    /** @param cases the support cases served at {@code GET /api/v1/cases}; null: no such route */
    public EngineerApi(
            EngineerStore engineers,
            LoginSessions sessions,
            ApplianceLinks links,
            TokenIssuance issuance,
            SessionGate gate,
            ServerAuditLog audit,
            ExportOrigin origin,
            Executor blocking,
            SourceGuard guard,
            @Nullable CaseStore cases) {
        this(engineers, sessions, links, issuance, gate, audit, origin, blocking, guard, cases, LoginMetrics.none());
    }

    /** @param logins counts the refused logins and the lockouts */
    public EngineerApi(
            EngineerStore engineers,
            LoginSessions sessions,
            ApplianceLinks links,
            TokenIssuance issuance,
            SessionGate gate,
            ServerAuditLog audit,
            ExportOrigin origin,
            Executor blocking,
            SourceGuard guard,
            @Nullable CaseStore cases,
            LoginMetrics logins) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.gate = requireNonNull(gate, "gate");
        List<Endpoint.Route> routes = new ArrayList<>(List.of(
                new Endpoint.Route(
                        HttpMethod.POST,
                        "login",
                        false,
                        true,
                        ENGINEER,
                        new LoginEndpoint(engineers, sessions, guard, logins)),
                new Endpoint.Route(
                        HttpMethod.POST, "logout", true, true, ENGINEER, new LogoutEndpoint(sessions, audit)),
                new Endpoint.Route(HttpMethod.GET, "appliances", true, false, ENGINEER, new AppliancesEndpoint(links)),
                new Endpoint.Route(HttpMethod.POST, "tokens", true, true, ENGINEER, new TokensEndpoint(issuance)),
                new Endpoint.Route(
                        HttpMethod.POST, "tokens/unlock-failed", true, true, ENGINEER, new UnlockFailedEndpoint(audit)),
                new Endpoint.Route(
                        HttpMethod.GET, "sessions", true, false, ENGINEER, new SessionsEndpoint(gate.active())),
                new Endpoint.Route(
                        HttpMethod.GET,
                        EventsEndpoint.PATH,
                        false,
                        true,
                        API_CLIENT,
                        new EventsEndpoint(audit, origin))));
        if (cases != null) {
            routes.add(new Endpoint.Route(HttpMethod.GET, "cases", true, true, ENGINEER, new CasesEndpoint(cases)));
        }
        this.router = new ApiRouter(routes, engineers, sessions, audit, blocking);
    }

    ApiRouter router() {
        return router;
    }

    /** A handler for one session stream, given its request headers. */
    SessionStreamHandler sessionStream() {
        return new SessionStreamHandler(router, gate);
    }

    LoginSessions sessions() {
        return sessions;
    }
}
