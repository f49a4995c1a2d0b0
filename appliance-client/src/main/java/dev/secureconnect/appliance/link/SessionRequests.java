package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.appliance.access.Revocations;
import dev.secureconnect.appliance.access.SessionAuthorizer;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.exec.CommandPolicy;
import dev.secureconnect.appliance.files.FileRequests;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's session authorisation: every session request (CONNECT, exec, get, put) passes here, on the link's
 * event loop, through one straight pipeline of policies that denies by default, each answering with an
 * {@link AccessVerdict} and the first refusal ending the request:
 *
 * <ol>
 *   <li>the link: SecureConnect enabled and this link neither closing nor replaced (the supervisor's gate);</li>
 *   <li>the access token, the engineer certificate and the ticket ({@link SessionAuthorizer});</li>
 *   <li>the target's own policy — CONNECT: the allow-list ({@link AllowListPolicy}, asked again once the service
 *       answered); exec: the command catalogue and the argument rules ({@link CommandPolicy}); files: the allowed
 *       folders ({@link FileRequests}).</li>
 * </ol>
 *
 * <p>Only then is anything dialled ({@link Sessions}), run ({@link CommandRun}) or opened ({@link FileGet},
 * {@link FilePut}). A refusal is audited — the event its verdict calls for, then {@code stream.refused} — and only then
 * answered with its status and {@code sc-reason} ({@link Sessions#refuse(Http2StreamChannel, SessionInfo,
 * AccessVerdict)}). Also takes the server's revocation pushes ({@code POST /v1/revocations}).
 */
final class SessionRequests {

    private static final Logger log = LoggerFactory.getLogger(SessionRequests.class);

    private final ApplianceDirectory directory;
    private final SessionAuthorizer authorizer;
    private final Revocations revocations;
    private final Sessions sessions;
    private final ExecutorService workers =
            Executors.newCachedThreadPool(new DefaultThreadFactory("sc-appliance-session", true));

    SessionRequests(
            ApplianceDirectory directory, SessionAuthorizer authorizer, Revocations revocations, Sessions sessions) {
        this.directory = requireNonNull(directory, "directory");
        this.authorizer = requireNonNull(authorizer, "authorizer");
        this.revocations = requireNonNull(revocations, "revocations");
        this.sessions = requireNonNull(sessions, "sessions");
    }

    /**
     * @param link whether a session may start on this link now (the supervisor's gate: disabled, closing)
     * @param ticketAccepted whether a ticket is connected, admitted and not disconnected
     * @param connectPolicy the CONNECT target policy
     */
    void handle(
            Http2StreamChannel stream,
            SessionRequest request,
            AccessVerdict<?> link,
            Predicate<String> ticketAccepted,
            Supplier<StreamPolicy> connectPolicy) {
        assert stream.eventLoop().inEventLoop();
        AccessVerdict<AccessToken> token =
                link.allowed() ? authorizer.authorize(request.credentials(), ticketAccepted) : link.refusal();
        SessionInfo info = SessionInfo.of(request, token.value());
        if (!token.allowed()) {
            sessions.refuse(stream, info, token);
            return;
        }
        switch (request.kind()) {
            case CONNECT ->
                sessions.open(
                        stream,
                        requireNonNull(request.connect(), "a CONNECT carries its request"),
                        info,
                        connectPolicy);
            case EXEC -> {
                AccessVerdict<CommandPolicy.Command> command =
                        CommandPolicy.decide(directory, request.target(), request.header(LinkProtocol.HEADER_ARGS));
                if (!command.allowed()) {
                    sessions.refuse(stream, info, command);
                    return;
                }
                CommandPolicy.Command allowed = requireNonNull(command.value(), "an allowed verdict has its value");
                CommandRun.start(sessions, stream, info, allowed.entry(), allowed.args(), workers);
            }
            case GET, PUT -> {
                boolean put = request.kind() == SessionRequest.Kind.PUT;
                AccessVerdict<Path> file = FileRequests.decide(directory, put, request.target());
                if (!file.allowed()) {
                    sessions.refuse(stream, info, file);
                    return;
                }
                if (put) {
                    FilePut.start(sessions, stream, info, requireNonNull(file.value(), "allowed"), workers);
                } else {
                    FileGet.start(sessions, stream, info, requireNonNull(file.value(), "allowed"), workers);
                }
            }
        }
    }

    /** {@code POST /v1/revocations}: kept, persisted, audited; sessions on a revoked token close at once. */
    void revocations(Http2StreamChannel stream, byte[] body) {
        Revocations.Merge merge;
        try {
            merge = revocations.merge(Revocations.parse(body));
        } catch (ApplianceException e) {
            log.warn("appliance: revocation list from the server refused: {}", e.getMessage());
            StreamRequestHandler.respond(stream, 400, OneLine.of(e.getMessage()));
            return;
        }
        sessions.audit(ApplianceAuditEvent.of(EventType.REVOCATIONS_RECEIVED, Sessions.SERVER_ACTOR)
                .reason(merge.received() + " revoked token(s) received, " + merge.added() + " new, " + merge.kept()
                        + " kept")
                .detail("count", merge.received())
                .detail("added", merge.added())
                .detail("kept", merge.kept())
                .build());
        sessions.close(
                session -> session.info.tokenId() != null && merge.all().contains(session.info.tokenId()),
                "its access token was revoked");
        StreamRequestHandler.respond(stream, 200, null);
    }

    void close() {
        workers.shutdownNow();
    }
}
