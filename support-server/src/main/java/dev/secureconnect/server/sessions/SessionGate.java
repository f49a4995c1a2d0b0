package dev.secureconnect.server.sessions;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.crypto.token.AccessTokenVerifier;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenRefusedException;
import dev.secureconnect.crypto.token.TokenScope;
import dev.secureconnect.server.audit.AuditUnavailableException;
import dev.secureconnect.server.blocks.SourceFailure;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.engineers.Engineer;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.link.ApplianceLinks;
import dev.secureconnect.server.tickets.Ticket;
import dev.secureconnect.server.tickets.TicketStore;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.SessionCredentials;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.StreamRefusedException;
import dev.secureconnect.tunnel.link.TicketNumber;
import dev.secureconnect.tunnel.relay.Relay;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The server's checks on every session stream, and the opening and relaying of the stream on the appliance's link.
 * Deny by default; the first failed check decides, in this order:
 *
 * <ol>
 *   <li>the access token ({@link AccessTokenVerifier}: signature with the server's key, audience = the appliance,
 *       expiry, holder = the connection's certificate, not revoked <em>as the database says now</em>, ticket open in
 *       the database and accepted on the appliance's link) — 403, audited {@code token.misused} for another
 *       certificate, else {@code token.refused} with the reason;</li>
 *   <li>the token's engineer is the one asking — 403, {@code token.misused};</li>
 *   <li>the engineer is still enabled — 403;</li>
 *   <li>for a support case's token, the request lies inside the token's scope ({@link TokenScope}): an exec's command
 *       and a get's or put's file (inside a folder, normalised) must be the case's, and a CONNECT needs a case that
 *       names a service at all (the server does not know which port is which service: the appliance checks the
 *       service by name) — 403, audited {@code token.scope-refused};</li>
 *   <li>the appliance is connected to this node — 502;</li>
 *   <li>the appliance's own answer to the stream request (its status and reason are passed on, the reason prefixed
 *       "appliance refused: "; no answer in time — 504).</li>
 * </ol>
 *
 * <p>The login session (401) is the engineer listener's business and comes before all this. Every refusal is audited
 * as {@code stream.refused}. Once the checks pass, {@code stream.opened} is committed <em>before</em> the stream is
 * requested on the appliance's link — if it cannot be, the stream is refused with 503 {@code audit log unavailable}
 * and nothing reaches the appliance — so a stream the appliance then refuses has {@code stream.opened} followed by
 * {@code stream.refused}. A relayed stream's end is audited as {@code stream.closed} with the bytes moved each way,
 * plus {@code command.run} or {@code file.get/put} from the appliance's headers and trailers; those are never lost
 * (held in the audit spill while the database cannot take them).
 * The database is read on the blocking executor, never on an event loop.
 */
public final class SessionGate {

    private final Supplier<AccessTokenVerifier> verifier;
    private final TicketStore tickets;
    private final EngineerStore engineers;
    private final ApplianceLinks links;
    private final ActiveSessions active;
    private final SessionAudit audit;
    private final Executor blocking;
    private final Clock clock;
    private final SourceGuard guard;

    /**
     * @param verifier the server's token verifier in force (a rotation replaces it); its revocation check must read
     *     the database
     */
    public SessionGate(
            Supplier<AccessTokenVerifier> verifier,
            TicketStore tickets,
            EngineerStore engineers,
            ApplianceLinks links,
            ActiveSessions active,
            dev.secureconnect.server.audit.ServerAuditLog audit,
            Executor blocking,
            Clock clock) {
        this(verifier, tickets, engineers, links, active, audit, blocking, clock, SourceGuard.OPEN);
    }

    /**
     * @param verifier the server's token verifier in force (a rotation replaces it); its revocation check must read
     *     the database
     * @param guard told of each refused access token, counted towards blocking its source address
     */
    public SessionGate(
            Supplier<AccessTokenVerifier> verifier,
            TicketStore tickets,
            EngineerStore engineers,
            ApplianceLinks links,
            ActiveSessions active,
            dev.secureconnect.server.audit.ServerAuditLog audit,
            Executor blocking,
            Clock clock,
            SourceGuard guard) {
        this.guard = requireNonNull(guard, "guard");
        this.verifier = requireNonNull(verifier, "verifier");
        this.tickets = requireNonNull(tickets, "tickets");
        this.engineers = requireNonNull(engineers, "engineers");
        this.links = requireNonNull(links, "links");
        this.active = requireNonNull(active, "active");
        this.audit = new SessionAudit(requireNonNull(audit, "audit"), blocking);
        this.blocking = requireNonNull(blocking, "blocking");
        this.clock = requireNonNull(clock, "clock");
    }

    public ActiveSessions active() {
        return active;
    }

    /**
     * The internal entry point (integration tests, a local front door): a CONNECT session to port {@code port} of the
     * token's appliance, for the engineer of {@code engineerCertificate}, relayed with {@code client} (a socket or
     * an HTTP/2 stream, with autoRead off and nothing read yet). Runs every check of {@link #open}; there is no
     * login session on this path.
     *
     * @return completes with the relay once the appliance connected to its service, or fails with a
     *     {@link SessionRefusedException} (already audited)
     */
    public Future<Relay> openConnect(
            SignedAccessToken token, X509Certificate engineerCertificate, int port, Channel client) {
        requireNonNull(token, "token");
        SessionAttempt attempt = new SessionAttempt(
                CertificateIdentity.of(engineerCertificate).id(),
                engineerCertificate,
                address(client),
                token.claims().appliance(),
                token.serialize(),
                SessionRequest.connect(port));
        return open(attempt, client, (sessionId, response) -> {});
    }

    /**
     * Checks {@code attempt}, opens its stream on the appliance's link and relays it with {@code client}.
     *
     * @param client the engineer's side: an HTTP/2 stream (or a socket) with autoRead off and nothing read yet
     * @param onAccepted called on {@code client}'s event loop once the appliance answered 200, with the session id
     *     and the appliance's response headers, just before the relay starts: the place to answer the engineer
     * @return completes with the relay, or fails with a {@link SessionRefusedException} (already audited)
     */
    public Future<Relay> open(SessionAttempt attempt, Channel client, BiConsumer<String, Http2Headers> onAccepted) {
        requireNonNull(attempt, "attempt");
        requireNonNull(client, "client");
        requireNonNull(onAccepted, "onAccepted");
        Promise<Relay> result = client.eventLoop().newPromise();
        String sessionId = UUID.randomUUID().toString();
        try {
            blocking.execute(() -> {
                try {
                    Admitted admitted = check(attempt, sessionId, client.remoteAddress());
                    try {
                        audit.opened(attempt, sessionId, admitted.token());
                    } catch (AuditUnavailableException e) {
                        throw refuse(
                                attempt, sessionId, admitted.token(), 503, AuditUnavailableException.REASON, false);
                    }
                    openOnLink(attempt, sessionId, admitted, client, onAccepted, result);
                } catch (SessionRefusedException e) {
                    result.tryFailure(e);
                } catch (RuntimeException e) {
                    audit.streamRefused(attempt, sessionId, null, 500, "internal error", false);
                    result.tryFailure(new SessionRefusedException(500, "internal error; see the server log"));
                    org.slf4j.LoggerFactory.getLogger(SessionGate.class).error("session check failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.tryFailure(new SessionRefusedException(503, "server busy: try again shortly"));
        }
        return result;
    }

    /** The token checked and the link found. */
    private record Admitted(AccessToken token, Channel link) {}

    /** Steps 1 to 4. Runs on the blocking executor (it reads the database). */
    private Admitted check(SessionAttempt attempt, String sessionId, java.net.SocketAddress source) {
        AccessToken token;
        try {
            token = verifier.get()
                    .verify(
                            attempt.token(),
                            attempt.appliance(),
                            attempt.certificate(),
                            ticket -> ticketUsable(attempt.appliance(), ticket));
        } catch (TokenRefusedException e) {
            audit.tokenRefused(attempt, sessionId, e);
            if (source instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
                guard.failed(inet.getAddress(), SourceFailure.TOKEN);
            }
            throw refuse(attempt, sessionId, e.token().orElse(null), 403, String.valueOf(e.getMessage()), false);
        }
        if (!token.engineer().equals(attempt.login())) {
            String message = "access token refused: it was issued to engineer " + token.engineer() + ", not to "
                    + attempt.login();
            audit.tokenMisused(attempt, sessionId, token, message);
            throw refuse(attempt, sessionId, token, 403, message, false);
        }
        Optional<Engineer> engineer = engineers.find(token.engineer());
        if (engineer.isEmpty() || !engineer.get().isEnabled()) {
            throw refuse(attempt, sessionId, token, 403, "engineer " + token.engineer() + " is disabled", false);
        }
        if (token.scope().isPresent()) {
            String outside = outside(token.scope().get(), attempt.request());
            if (outside != null) {
                audit.scopeRefused(attempt, sessionId, token, outside);
                throw refuse(attempt, sessionId, token, 403, outside, false);
            }
        }
        Optional<Channel> link = links.linkChannel(attempt.appliance());
        if (link.isEmpty()) {
            throw refuse(
                    attempt, sessionId, token, 502, "appliance " + attempt.appliance() + " is not connected", false);
        }
        return new Admitted(token, link.get());
    }

    /** Why {@code request} lies outside a case token's {@code scope}, or null if it is inside. */
    static @Nullable String outside(TokenScope scope, SessionRequest request) {
        boolean inside;
        String what;
        java.util.List<String> allowed;
        switch (request.kind()) {
            case CONNECT -> {
                inside = scope.allowsSomeService();
                what = "services";
                allowed = scope.services();
            }
            case EXEC -> {
                inside = scope.allowsCommand(request.command());
                what = "commands";
                allowed = scope.commands();
            }
            default -> {
                inside = scope.allowsFile(request.path());
                what = "folders";
                allowed = scope.folders();
            }
        }
        if (inside) {
            return null;
        }
        String target = request.kind() == SessionKind.CONNECT
                ? "a connection to " + request.target()
                : request.kind().code() + " '" + OneLine.quoted(request.target()) + "'";
        return "access token refused: " + target + " is outside the scope of case " + scope.caseId() + " (" + what
                + ": " + (allowed.isEmpty() ? "none" : String.join(", ", allowed)) + ")";
    }

    /**
     * The verifier's ticket check: open in the database and accepted on the appliance's link. An appliance that is not
     * connected does not fail it here: the next check refuses that with 502.
     */
    private boolean ticketUsable(String appliance, String ticket) {
        Optional<Ticket> stored = tickets.find(TicketNumber.parse(ticket));
        return stored.isPresent()
                && stored.get().isOpen()
                && links.acceptedTickets(appliance)
                        .map(accepted -> accepted.contains(ticket))
                        .orElse(true);
    }

    /** Step 5: the stream on the link, then the relay. */
    private void openOnLink(
            SessionAttempt attempt,
            String sessionId,
            Admitted admitted,
            Channel client,
            BiConsumer<String, Http2Headers> onAccepted,
            Promise<Relay> result) {
        AccessToken token = admitted.token();
        Http2Headers headers = new SessionCredentials(
                        sessionId, token.ticket(), attempt.token(), token.engineer(), der(attempt.certificate()))
                .addTo(attempt.request().toLinkHeaders());
        StreamOpener.open(admitted.link(), headers, links.streamOpenTimeout()).addListener(done -> {
            if (!done.isSuccess()) {
                Throwable cause = done.cause();
                SessionRefusedException refusal;
                if (cause instanceof StreamRefusedException refused) {
                    refusal = refuse(
                            attempt,
                            sessionId,
                            token,
                            refused.status(),
                            "appliance refused: " + refused.getMessage(),
                            true);
                } else {
                    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                    boolean timedOut = cause instanceof LinkException && message.contains("did not answer within");
                    refusal = refuse(
                            attempt,
                            sessionId,
                            token,
                            timedOut ? 504 : 502,
                            "appliance " + attempt.appliance()
                                    + (timedOut ? " did not answer in time: " : " could not open the stream: ")
                                    + message,
                            false);
                }
                result.tryFailure(refusal);
                return;
            }
            StreamOpener.Opened opened = (StreamOpener.Opened) done.getNow();
            ActiveSession session = new ActiveSession(
                    sessionId,
                    token.engineer(),
                    attempt.appliance(),
                    token.ticket(),
                    token.id(),
                    attempt.request(),
                    attempt.source(),
                    clock.instant(),
                    client,
                    opened.stream());
            active.add(session);
            long started = System.nanoTime();
            client.eventLoop().execute(() -> {
                onAccepted.accept(sessionId, opened.response());
                Relay relay = Relay.start(client, opened.stream());
                session.relay(relay);
                relay.finished().addListener(finished -> {
                    active.remove(session);
                    audit.closed(
                            session,
                            (Relay.Outcome) finished.getNow(),
                            opened.response(),
                            (System.nanoTime() - started) / 1_000_000);
                });
                result.trySuccess(relay);
            });
        });
    }

    /**
     * Audits a stream the listener refused before these checks (no valid login session, a malformed request), as
     * {@code stream.refused}.
     *
     * @param login the engineer of the connection's certificate
     * @param request what was asked, or null when it could not be read
     */
    public void refusedBeforeChecks(
            String login,
            String source,
            @Nullable String appliance,
            @Nullable SessionRequest request,
            int status,
            String reason) {
        audit.refusedBeforeChecks(login, source, appliance, request, status, reason);
    }

    private SessionRefusedException refuse(
            SessionAttempt attempt,
            String sessionId,
            @Nullable AccessToken token,
            int status,
            String reason,
            boolean byAppliance) {
        audit.streamRefused(attempt, sessionId, token, status, reason, byAppliance);
        return new SessionRefusedException(status, reason);
    }

    private static String der(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the engineer certificate", e);
        }
    }

    private static String address(Channel channel) {
        return channel.remoteAddress() instanceof java.net.InetSocketAddress inet
                ? inet.getHostString() + ":" + inet.getPort()
                : String.valueOf(channel.remoteAddress());
    }
}
