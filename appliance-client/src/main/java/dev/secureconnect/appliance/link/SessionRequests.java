package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.access.Revocations;
import dev.secureconnect.appliance.access.SessionAuthorizer;
import dev.secureconnect.appliance.audit.AuditEvent;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.exec.CommandArguments;
import dev.secureconnect.appliance.exec.CommandCatalogue;
import dev.secureconnect.appliance.exec.CommandEntry;
import dev.secureconnect.appliance.files.FileRequests;
import dev.secureconnect.appliance.files.FolderList;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.tunnel.audit.EventType;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every session request (CONNECT, exec, get, put) passes here, on the link's event loop, as a straight pipeline that
 * denies by default: the {@link SessionAuthorizer} (token, engineer certificate, ticket), then the target's own policy
 * — CONNECT: the allow-list ({@link AllowListPolicy}); exec: the command catalogue and the argument rules; files: the
 * allowed folders — and only then is anything dialled ({@link Sessions}), run ({@link CommandRun}) or opened
 * ({@link FileGet}, {@link FilePut}). Each refusal is answered with its status and {@code sc-reason} after it is
 * audited. Also takes the server's revocation pushes ({@code POST /v1/revocations}).
 */
final class SessionRequests {

    private static final Logger log = LoggerFactory.getLogger(SessionRequests.class);

    private final ApplianceDirectory directory;
    private final SessionAuthorizer authorizer;
    private final Revocations revocations;
    private final Sessions sessions;
    private final ExecutorService workers =
            Executors.newCachedThreadPool(new DefaultThreadFactory("sc-appliance-session", true));

    SessionRequests(ApplianceDirectory directory, SessionAuthorizer authorizer, Revocations revocations, Sessions sessions) {
        this.directory = requireNonNull(directory, "directory");
        this.authorizer = requireNonNull(authorizer, "authorizer");
        this.revocations = requireNonNull(revocations, "revocations");
        this.sessions = requireNonNull(sessions, "sessions");
    }

    /**
     * @param closed why no session may start on this link now (disabled, closing), or null
     * @param ticketAccepted whether a ticket is connected, admitted and not disconnected
     * @param connectPolicy the CONNECT target policy
     */
    void handle(Http2StreamChannel stream, SessionRequest request, String closed, Predicate<String> ticketAccepted,
            Supplier<StreamPolicy> connectPolicy) {
        if (closed != null) {
            sessions.refuse(stream, SessionInfo.of(request, null), 403, closed, AuditEvent.REFUSED);
            return;
        }
        SessionAuthorizer.Verdict verdict = authorizer.authorize(request.credentials(), ticketAccepted);
        SessionInfo info = SessionInfo.of(request, verdict.token());
        if (!verdict.allowed()) {
            sessions.audit(info.event(verdict.event()).detail("label", verdict.label()).refused(verdict.reason()).build());
            sessions.refuse(stream, info, 403, verdict.reason(), AuditEvent.REFUSED);
            return;
        }
        switch (request.kind()) {
            case CONNECT -> sessions.open(stream, request.connect(), info, connectPolicy);
            case EXEC -> exec(stream, request, info);
            case GET, PUT -> file(stream, request, info);
        }
    }

    private void exec(Http2StreamChannel stream, SessionRequest request, SessionInfo info) {
        String name = request.target();
        List<String> args;
        try {
            args = CommandArguments.parse(request.header(LinkProtocol.HEADER_ARGS));
        } catch (ApplianceException e) {
            refuseCommand(stream, info, name, List.of(), 403, e.getMessage());
            return;
        }
        Optional<CommandEntry> command;
        try {
            command = CommandCatalogue.read(directory).find(name);
        } catch (ApplianceException e) {
            refuseCommand(stream, info, name, args, 403, "the command catalogue cannot be read: " + e.getMessage());
            return;
        }
        if (command.isEmpty()) {
            refuseCommand(stream, info, name, args, 404, name.isEmpty() ? "no command was named (sc-command)"
                    : "no command named '" + name + "' is in this appliance's catalogue");
            return;
        }
        String refusal = CommandArguments.refusal(command.get(), args);
        if (refusal != null) {
            refuseCommand(stream, info, name, args, 403, refusal);
            return;
        }
        CommandRun.start(sessions, stream, info, command.get(), args, workers);
    }

    private void refuseCommand(Http2StreamChannel stream, SessionInfo info, String name, List<String> args, int status,
            String reason) {
        sessions.audit(info.event(EventType.COMMAND_REFUSED).detail("name", name).detail("args", args).refused(reason)
                .build());
        sessions.refuse(stream, info, status, reason, AuditEvent.REFUSED);
    }

    private void file(Http2StreamChannel stream, SessionRequest request, SessionInfo info) {
        FileRequests.Decision decision;
        try {
            FolderList folders = FolderList.read(directory);
            decision = request.kind() == SessionRequest.Kind.GET ? FileRequests.get(folders, request.target())
                    : FileRequests.put(folders, request.target());
        } catch (ApplianceException e) {
            decision = new FileRequests.Decision(null, 403, "the allowed folders cannot be read: " + e.getMessage());
        }
        if (!decision.allowed()) {
            sessions.audit(info.event(EventType.FILE_REFUSED).detail("path", request.target()).refused(decision.reason())
                    .build());
            sessions.refuse(stream, info, decision.status(), decision.reason(), AuditEvent.REFUSED);
            return;
        }
        if (request.kind() == SessionRequest.Kind.GET) {
            FileGet.start(sessions, stream, info, decision.path(), workers);
        } else {
            FilePut.start(sessions, stream, info, decision.path(), workers);
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
        sessions.audit(AuditEvent.of(EventType.REVOCATIONS_RECEIVED, Sessions.SERVER_ACTOR)
                .reason(merge.received() + " revoked token(s) received, " + merge.added() + " new, " + merge.kept() + " kept")
                .detail("count", merge.received()).detail("added", merge.added()).detail("kept", merge.kept()).build());
        sessions.close(session -> session.info.tokenId() != null && merge.all().contains(session.info.tokenId()),
                "its access token was revoked");
        StreamRequestHandler.respond(stream, 200, null);
    }

    void close() {
        workers.shutdownNow();
    }
}
