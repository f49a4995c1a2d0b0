package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.appliance.access.CaseScope;
import dev.secureconnect.appliance.access.EngineerAccess;
import dev.secureconnect.appliance.access.Revocations;
import dev.secureconnect.appliance.access.SessionAuthorizer;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.exec.CommandPolicy;
import dev.secureconnect.appliance.files.FileRequests;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's session authorisation: every session request (CONNECT, exec, get, put) passes here (on the link's
 * event loop; the checks that read files on a worker), through one straight pipeline of policies that denies by default, each answering with an
 * {@link AccessVerdict} and the first refusal ending the request:
 *
 * <ol>
 *   <li>the link: SecureConnect enabled and this link neither closing nor replaced (the supervisor's gate);</li>
 *   <li>the access token, the engineer certificate and the ticket ({@link SessionAuthorizer});</li>
 *   <li>for a support case's ticket, the scope the admin approved ({@link CaseScope}): the service, command or folder
 *       must be the case's and its time not over, whatever the token allows; and for a case's token, the scope it
 *       carries too ({@link CaseScope#claimedBy}), which may only narrow the approval;</li>
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
    /** How long a worker waits for the loop to say whether a ticket is accepted. */
    private static final Duration LOOP_ANSWER = Duration.ofSeconds(10);

    private final ApplianceDirectory directory;
    private final SessionAuthorizer authorizer;
    private final Revocations revocations;
    private final Sessions sessions;
    private final Clock clock;
    /** The revoked tokens as of the last push handled on the loop (loop only). */
    private Set<UUID> revoked = Set.of();

    private final ExecutorService workers =
            Executors.newCachedThreadPool(new DefaultThreadFactory("sc-appliance-session", true));
    /** Reads the policy files (token keys, catalogue, folders) and the revocations off the link's event loop. */
    private final ExecutorService policyReader =
            Executors.newFixedThreadPool(2, new DefaultThreadFactory("sc-appliance-policy", true));

    SessionRequests(
            ApplianceDirectory directory,
            SessionAuthorizer authorizer,
            Revocations revocations,
            Sessions sessions,
            Clock clock) {
        this.clock = requireNonNull(clock, "clock");
        this.directory = requireNonNull(directory, "directory");
        this.authorizer = requireNonNull(authorizer, "authorizer");
        this.revocations = requireNonNull(revocations, "revocations");
        this.sessions = requireNonNull(sessions, "sessions");
    }

    /**
     * Takes a session request on the stream's loop. The checks that read files (the pinned token keys, the command
     * catalogue, the allowed folders and the file itself) run on a worker; the request carries on on the loop once they
     * are done, the link's gate asked again there (a kill switch meanwhile wins).
     *
     * @param link whether a session may start on this link now (the supervisor's gate: disabled, closing)
     * @param ticketAccepted whether a ticket is connected, admitted and not disconnected (asked on the loop)
     * @param ticketScope the case scope a ticket is limited to, null for none (asked on the loop)
     * @param connectPolicy the CONNECT target policy
     */
    void handle(
            Http2StreamChannel stream,
            SessionRequest request,
            Supplier<AccessVerdict<?>> link,
            Predicate<String> ticketAccepted,
            Function<String, @Nullable CaseScope> ticketScope,
            Supplier<StreamPolicy> connectPolicy) {
        EventLoop loop = stream.eventLoop();
        assert loop.inEventLoop();
        AccessVerdict<?> gate = link.get();
        if (!gate.allowed()) {
            sessions.refuse(stream, SessionInfo.of(request, null), gate.refusal());
            return;
        }
        Predicate<String> acceptedOnLoop =
                number -> LoopCall.call(loop, () -> ticketAccepted.test(number), LOOP_ANSWER);
        CompletableFuture.supplyAsync(() -> decide(request, acceptedOnLoop), policyReader)
                .whenComplete((decision, failure) -> loop.execute(() -> {
                    if (failure != null) {
                        String reason = "the session request could not be checked: "
                                + OneLine.of(String.valueOf(failure.getMessage()));
                        log.error("appliance: {}", reason, failure);
                        sessions.refuse(
                                stream, SessionInfo.of(request, null), 500, reason, ApplianceAuditEvent.FAILURE);
                        return;
                    }
                    proceed(
                            stream,
                            request,
                            link.get(),
                            decision,
                            ticketScope.apply(request.credentials().ticket()),
                            connectPolicy);
                }));
    }

    /** What the file-reading checks decided: the token, and for exec and files the target's verdict. */
    private record Decision(
            AccessVerdict<EngineerAccess> token, @Nullable AccessVerdict<?> target) {}

    /** On a worker: the checks that read files. */
    private Decision decide(SessionRequest request, Predicate<String> ticketAccepted) {
        AccessVerdict<EngineerAccess> token = authorizer.authorize(request.credentials(), ticketAccepted);
        if (!token.allowed()) {
            return new Decision(token, null);
        }
        return new Decision(
                token,
                switch (request.kind()) {
                    case CONNECT -> null;
                    case EXEC ->
                        CommandPolicy.decide(directory, request.target(), request.header(LinkProtocol.HEADER_ARGS));
                    case GET, PUT ->
                        FileRequests.decide(directory, request.kind() == SessionRequest.Kind.PUT, request.target());
                });
    }

    /** Back on the loop: the first refusal ends the request, else the session starts. */
    @SuppressWarnings("unchecked")
    private void proceed(
            Http2StreamChannel stream,
            SessionRequest request,
            AccessVerdict<?> link,
            Decision decision,
            @Nullable CaseScope scope,
            Supplier<StreamPolicy> connectPolicy) {
        assert stream.eventLoop().inEventLoop();
        AccessVerdict<EngineerAccess> token = link.allowed() ? decision.token() : link.refusal();
        if (token.allowed()
                && revoked.contains(requireNonNull(token.value(), "an allowed verdict names its token")
                        .token()
                        .id())) {
            token = AccessVerdict.<EngineerAccess>deny(403, "revoked", "access token refused: it was revoked")
                    .audited(EventType.TOKEN_REFUSED, java.util.Map.of("label", "revoked"))
                    .naming(token.value());
        }
        SessionInfo info = SessionInfo.of(request, token.value());
        if (!token.allowed()) {
            sessions.refuse(stream, info, token);
            return;
        }
        List<CaseScope> scopes = new ArrayList<>(2);
        if (scope != null) {
            scopes.add(scope);
        }
        CaseScope.claimedBy(requireNonNull(token.value(), "an allowed verdict names its token")
                        .token())
                .ifPresent(scopes::add);
        switch (request.kind()) {
            case CONNECT ->
                sessions.open(
                        stream,
                        requireNonNull(request.connect(), "a CONNECT carries its request"),
                        info,
                        scopes.isEmpty() ? connectPolicy : () -> scoped(connectPolicy.get(), scopes));
            case EXEC -> {
                AccessVerdict<CommandPolicy.Command> command = (AccessVerdict<CommandPolicy.Command>)
                        requireNonNull(decision.target(), "exec has a target verdict");
                for (CaseScope limit : scopes) {
                    if (command.allowed()) {
                        AccessVerdict<CommandPolicy.Command> inScope =
                                limit.allowsCommand(request.target(), clock.instant());
                        command = inScope.allowed() ? command : inScope;
                    }
                }
                if (!command.allowed()) {
                    sessions.refuse(stream, info, command);
                    return;
                }
                CommandPolicy.Command allowed = requireNonNull(command.value(), "an allowed verdict has its value");
                CommandRun.start(sessions, stream, info, allowed.entry(), allowed.args(), workers);
            }
            case GET, PUT -> {
                AccessVerdict<Path> file =
                        (AccessVerdict<Path>) requireNonNull(decision.target(), "files have a target verdict");
                for (CaseScope limit : scopes) {
                    if (file.allowed()) {
                        AccessVerdict<Path> inScope =
                                limit.allowsFile(requireNonNull(file.value(), "allowed"), clock.instant());
                        file = inScope.allowed() ? file : inScope;
                    }
                }
                if (!file.allowed()) {
                    sessions.refuse(stream, info, file);
                    return;
                }
                if (request.kind() == SessionRequest.Kind.PUT) {
                    FilePut.start(sessions, stream, info, requireNonNull(file.value(), "allowed"), workers);
                } else {
                    FileGet.start(sessions, stream, info, requireNonNull(file.value(), "allowed"), workers);
                }
            }
        }
    }

    /** {@code policy}, then each case scope: the allowed service must be one of the case's, its time not over. */
    private StreamPolicy scoped(StreamPolicy policy, List<CaseScope> scopes) {
        return request -> {
            AccessVerdict<StreamTarget> verdict = policy.decide(request);
            for (CaseScope scope : scopes) {
                if (!verdict.allowed()) {
                    return verdict;
                }
                AccessVerdict<StreamTarget> inScope = scope.allowsService(
                        requireNonNull(verdict.value(), "allowed").service(), clock.instant());
                verdict = inScope.allowed() ? verdict : inScope;
            }
            return verdict;
        };
    }

    /**
     * {@code POST /v1/revocations}: kept and persisted (on a worker), audited; sessions on a revoked token close at
     * once, and a request checked before the push arrived does not start on one.
     */
    void revocations(Http2StreamChannel stream, byte[] body) {
        EventLoop loop = stream.eventLoop();
        assert loop.inEventLoop();
        CompletableFuture.supplyAsync(() -> revocations.merge(Revocations.parse(body)), policyReader)
                .whenComplete((merge, failure) -> loop.execute(() -> {
                    if (failure != null) {
                        Throwable cause = Sessions.unwrap(failure);
                        log.warn("appliance: revocation list from the server refused: {}", cause.getMessage());
                        StreamRequestHandler.respond(
                                stream,
                                cause instanceof ApplianceException ? 400 : 500,
                                OneLine.of(String.valueOf(cause.getMessage())));
                        return;
                    }
                    revoked = merge.all();
                    sessions.audit(ApplianceAuditEvent.of(EventType.REVOCATIONS_RECEIVED, Sessions.SERVER_ACTOR)
                            .reason(merge.received() + " revoked token(s) received, " + merge.added() + " new, "
                                    + merge.kept() + " kept")
                            .detail("count", merge.received())
                            .detail("added", merge.added())
                            .detail("kept", merge.kept())
                            .build());
                    sessions.close(
                            session -> session.info.tokenId() != null
                                    && merge.all().contains(session.info.tokenId()),
                            "its access token was revoked");
                    StreamRequestHandler.respond(stream, 200, null);
                }));
    }

    /** The workers that read the policy files, for other pushes that touch them (the token keys). */
    Executor policyReader() {
        return policyReader;
    }

    void close() {
        policyReader.shutdownNow();
        workers.shutdownNow();
    }
}
