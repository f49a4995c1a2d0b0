package dev.secureconnect.server.sessions;

import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.crypto.token.TokenRefusedException;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditEvent.Outcome;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditLog.Hold;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.relay.Relay;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit events of session streams: {@code stream.opened/closed/refused}, {@code token.refused/misused},
 * {@code command.run/refused}, {@code file.get/put/refused}. Never records a token or a login session.
 *
 * <p>{@code stream.opened} is appended by the caller's (blocking) thread and committed before the stream is requested
 * on the appliance's link: if it cannot be, the stream is refused. Every other record follows what it records and is
 * appended on the blocking executor, the records of one moment in one task and in order, or held in the spill until
 * the database takes them ({@link ServerAuditLog#appendOrHold}): {@link Hold#ALWAYS} for the end of a stream and what ran,
 * {@link Hold#WHILE_ROOM} for refusals.
 */
final class SessionAudit {

    private static final Logger LOG = LoggerFactory.getLogger(SessionAudit.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            dev.secureconnect.crypto.json.Mappers.json();

    private final ServerAuditLog audit;
    private final Executor blocking;

    SessionAudit(ServerAuditLog audit, Executor blocking) {
        this.audit = audit;
        this.blocking = blocking;
    }

    /**
     * A token the verifier refused: {@code token.misused} for another engineer's certificate, else refused. Written
     * (or held) on the calling thread, the gate's blocking executor, so that the record is there before the engineer
     * is answered.
     */
    void tokenRefused(SessionAttempt attempt, String sessionId, TokenRefusedException e) {
        EventType type = e.reason() == TokenRefusedException.Reason.WRONG_HOLDER
                ? EventType.TOKEN_MISUSED
                : EventType.TOKEN_REFUSED;
        ServerAuditEvent.Builder event = base(type, attempt, sessionId)
                .outcome(Outcome.FAILURE)
                .detail("reason", e.reason().label())
                .detail("message", e.getMessage());
        e.token().ifPresent(token -> event.ticket(token.ticket())
                .detail("tokenId", token.id().toString())
                .detail("tokenEngineer", token.engineer()));
        appendHere(Hold.WHILE_ROOM, event.build());
    }

    /**
     * A valid token presented by an engineer other than the one it was issued to; written on the calling thread, as
     * {@link #tokenRefused}.
     */
    void tokenMisused(SessionAttempt attempt, String sessionId, AccessToken token, String message) {
        appendHere(
                Hold.WHILE_ROOM,
                base(EventType.TOKEN_MISUSED, attempt, sessionId)
                        .ticket(token.ticket())
                        .outcome(Outcome.FAILURE)
                        .detail("reason", "other-engineer")
                        .detail("message", message)
                        .detail("tokenId", token.id().toString())
                        .detail("tokenEngineer", token.engineer())
                        .build());
    }

    /**
     * A stream outside the scope of its case's token, refused at the gate; written on the calling thread, as
     * {@link #tokenRefused}.
     */
    void scopeRefused(SessionAttempt attempt, String sessionId, AccessToken token, String message) {
        appendHere(
                Hold.WHILE_ROOM,
                base(EventType.TOKEN_SCOPE_REFUSED, attempt, sessionId)
                        .ticket(token.ticket())
                        .outcome(Outcome.FAILURE)
                        .detail(
                                "caseId",
                                token.scope().map(scope -> scope.caseId()).orElse(null))
                        .detail("tokenId", token.id().toString())
                        .detail("message", message)
                        .build());
    }

    /**
     * A stream not opened; {@code byAppliance} when the appliance refused it (then exec and file requests also get
     * {@code command.refused} / {@code file.refused}).
     */
    void streamRefused(
            SessionAttempt attempt,
            String sessionId,
            @Nullable AccessToken token,
            int status,
            String reason,
            boolean byAppliance) {
        LOG.warn(
                "session stream {} of engineer {} to appliance {} ({} {}) refused ({}): {}",
                sessionId,
                attempt.login(),
                attempt.appliance(),
                attempt.request().kind().code(),
                attempt.request().target(),
                status,
                reason);
        List<ServerAuditEvent> events = new ArrayList<>();
        events.add(withToken(base(EventType.STREAM_REFUSED, attempt, sessionId), token)
                .outcome(Outcome.FAILURE)
                .detail("status", status)
                .detail("reason", reason)
                .build());
        SessionRequest request = attempt.request();
        if (byAppliance) {
            switch (request.kind()) {
                case EXEC ->
                    events.add(withToken(base(EventType.COMMAND_REFUSED, attempt, sessionId), token)
                            .outcome(Outcome.FAILURE)
                            .detail("name", request.command())
                            .detail("args", args(request))
                            .detail("reason", reason)
                            .build());
                case GET, PUT ->
                    events.add(withToken(base(EventType.FILE_REFUSED, attempt, sessionId), token)
                            .outcome(Outcome.FAILURE)
                            .detail("path", request.path())
                            .detail("reason", reason)
                            .build());
                case CONNECT -> {
                    // stream.refused says it all
                }
            }
        }
        append(Hold.WHILE_ROOM, events.toArray(ServerAuditEvent[]::new));
    }

    void refusedBeforeChecks(
            String login,
            String source,
            @Nullable String appliance,
            @Nullable SessionRequest request,
            int status,
            String reason) {
        LOG.warn("session stream of engineer {} from {} refused ({}): {}", login, source, status, reason);
        append(
                Hold.WHILE_ROOM,
                ServerAuditEvent.builder(EventType.STREAM_REFUSED)
                        .actor(login)
                        .source(source)
                        .appliance(appliance)
                        .outcome(Outcome.FAILURE)
                        .detail("kind", request == null ? null : request.kind().code())
                        .detail("target", request == null ? null : request.target())
                        .detail("status", status)
                        .detail("reason", reason)
                        .build());
    }

    /**
     * Commits {@code stream.opened} before the stream is requested on the appliance's link. Call it on a blocking
     * thread.
     *
     * @throws dev.secureconnect.server.audit.AuditUnavailableException if it cannot be committed: the stream must
     *     not be opened
     */
    void opened(SessionAttempt attempt, String sessionId, AccessToken token) {
        audit.append(withToken(base(EventType.STREAM_OPENED, attempt, sessionId), token)
                .actor(token.engineer())
                .build());
        LOG.info(
                "session stream {} opened: engineer {} → appliance {} ({} {})",
                sessionId,
                token.engineer(),
                attempt.appliance(),
                attempt.request().kind().code(),
                attempt.request().target());
    }

    /** The end of a relayed stream, and what its trailers or response headers say about the command or file. */
    void closed(ActiveSession session, Relay.Outcome outcome, Http2Headers response, long durationMs) {
        String ended = session.endReason();
        String reason = ended != null ? ended : outcome.reason();
        LOG.info(
                "session stream {} closed after {} ms: {} bytes to appliance {}, {} back ({})",
                session.id(),
                durationMs,
                outcome.bytesFirstToSecond(),
                session.appliance(),
                outcome.bytesSecondToFirst(),
                reason);
        List<ServerAuditEvent> events = new ArrayList<>();
        events.add(session(EventType.STREAM_CLOSED, session)
                .outcome(session.endReason() == null ? Outcome.SUCCESS : Outcome.FAILURE)
                .detail("bytesToAppliance", outcome.bytesFirstToSecond())
                .detail("bytesFromAppliance", outcome.bytesSecondToFirst())
                .detail("durationMs", durationMs)
                .detail("reason", reason)
                .build());
        SessionRequest request = session.request();
        Http2Headers trailers = outcome.trailersFromSecond();
        switch (request.kind()) {
            case EXEC ->
                events.add(session(EventType.COMMAND_RUN, session)
                        .outcome(
                                text(trailers, LinkProtocol.TRAILER_EXIT_STATUS) == null
                                        ? Outcome.FAILURE
                                        : Outcome.SUCCESS)
                        .detail("name", request.command())
                        .detail("args", args(request))
                        .detail("exitStatus", text(trailers, LinkProtocol.TRAILER_EXIT_STATUS))
                        .detail(
                                "truncated",
                                String.valueOf("true".equals(text(trailers, LinkProtocol.TRAILER_OUTPUT_TRUNCATED))))
                        .detail(
                                "timedOut",
                                String.valueOf("true".equals(text(trailers, LinkProtocol.TRAILER_TIMED_OUT))))
                        .build());
            case GET ->
                events.add(session(EventType.FILE_GET, session)
                        .outcome(outcome.complete() ? Outcome.SUCCESS : Outcome.FAILURE)
                        .detail("path", request.path())
                        .detail("size", text(response, LinkProtocol.HEADER_FILE_SIZE))
                        .detail("sha256", text(response, LinkProtocol.HEADER_FILE_SHA256))
                        .build());
            case PUT -> {
                String refusal = text(trailers, LinkProtocol.HEADER_REASON);
                if (refusal != null || text(trailers, LinkProtocol.HEADER_FILE_SHA256) == null) {
                    events.add(session(EventType.FILE_REFUSED, session)
                            .outcome(Outcome.FAILURE)
                            .detail("path", request.path())
                            .detail("reason", refusal != null ? refusal : "nothing stored: " + reason)
                            .build());
                } else {
                    events.add(session(EventType.FILE_PUT, session)
                            .detail("path", request.path())
                            .detail("size", text(trailers, LinkProtocol.HEADER_FILE_SIZE))
                            .detail("sha256", text(trailers, LinkProtocol.HEADER_FILE_SHA256))
                            .build());
                }
            }
            case CONNECT -> {
                // stream.closed says it all
            }
        }
        append(Hold.ALWAYS, events.toArray(ServerAuditEvent[]::new));
    }

    private static ServerAuditEvent.Builder base(EventType type, SessionAttempt attempt, String sessionId) {
        return ServerAuditEvent.builder(type)
                .actor(attempt.login())
                .appliance(attempt.appliance())
                .session(sessionId)
                .source(attempt.source())
                .detail("kind", attempt.request().kind().code())
                .detail("target", attempt.request().target());
    }

    private static ServerAuditEvent.Builder withToken(ServerAuditEvent.Builder event, @Nullable AccessToken token) {
        return token == null
                ? event
                : event.ticket(token.ticket()).detail("tokenId", token.id().toString());
    }

    private static ServerAuditEvent.Builder session(EventType type, ActiveSession session) {
        return ServerAuditEvent.builder(type)
                .actor(session.engineer())
                .appliance(session.appliance())
                .ticket(session.ticket())
                .session(session.id())
                .source(session.source())
                .detail("tokenId", session.tokenId().toString())
                .detail("kind", session.request().kind().code())
                .detail("target", session.request().target());
    }

    private static @Nullable String args(SessionRequest request) {
        try {
            return request.args().isEmpty() ? null : JSON.writeValueAsString(request.args());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the arguments", e);
        }
    }

    private static @Nullable String text(@Nullable Http2Headers headers, String name) {
        CharSequence value = headers == null ? null : headers.get(name);
        return value == null ? null : value.toString();
    }

    /** Appends {@code events} in order on the blocking executor, or holds them (see {@link ServerAuditLog#appendOrHold}). */
    private void append(Hold hold, ServerAuditEvent... events) {
        Runnable task = () -> appendHere(hold, events);
        try {
            blocking.execute(task);
        } catch (RejectedExecutionException e) {
            task.run(); // the server is stopping: append (or hold) on this thread rather than lose the record
        }
    }

    /** Appends (or holds) on this thread, which must not be an event loop. */
    private void appendHere(Hold hold, ServerAuditEvent... events) {
        List<ServerAuditEvent> list = List.of(events);
        try {
            audit.appendOrHold(list, hold);
        } catch (RuntimeException e) {
            LOG.error("cannot append {} to the audit log: {}", list, e.getMessage(), e);
        }
    }
}
