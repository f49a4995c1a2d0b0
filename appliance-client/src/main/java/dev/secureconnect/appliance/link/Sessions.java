package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.AuditSink;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.StreamRequest;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import dev.secureconnect.tunnel.relay.HeldInput;
import dev.secureconnect.tunnel.relay.Relay;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session streams of the appliance: each {@code CONNECT} is put to the {@link StreamPolicy} first — refused with
 * 403 and audited, nothing dialled — and only when allowed, and once its {@code stream.opened} is durable, is the local
 * service dialled (502 when it is down), then relayed with back-pressure until either side ends. Every open session is registered here so the kill switch, a
 * ticket's disconnection or an allow-list change can close it.
 *
 * <p>Used on the link's event loop only.
 */
final class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);
    static final String SERVER_ACTOR = "server";
    /** The reason a session is refused when its opening record cannot be written. */
    static final String AUDIT_UNAVAILABLE = "audit log unavailable";

    /** One open session: a stream relayed to a local socket, a command running, or a file being sent or stored. */
    static final class Session {
        final SessionInfo info;
        final String id;
        final String ticket;
        final String target;
        final int port;
        final Instant opened;
        final Channel stream;
        final @Nullable Channel socket;
        final @Nullable Runnable stop;

        @Nullable
        String closeReason;
        /** For a relayed {@code CONNECT}: the relay, whose byte counts the admin sees while it runs. */
        @Nullable
        Relay relay;
        /** For a command or a file get: what sends its output (set on the loop as it starts). */
        @Nullable
        StreamWriter writer;

        Session(
                SessionInfo info,
                int port,
                Instant opened,
                Channel stream,
                @Nullable Channel socket,
                @Nullable Runnable stop) {
            this.info = info;
            this.id = info.id();
            this.ticket = info.ticket();
            this.target = info.target();
            this.port = port;
            this.opened = opened;
            this.stream = stream;
            this.socket = socket;
            this.stop = stop;
        }

        boolean isConnect() {
            return info.kind() == SessionRequest.Kind.CONNECT;
        }

        void close(String reason) {
            if (closeReason == null) {
                closeReason = reason;
            }
            if (stop != null) {
                stop.run();
            }
            stream.close();
            if (socket != null) {
                socket.close();
            }
        }
    }

    private final AuditSink audit;
    final Clock clock;
    private final Duration serviceTimeout;
    private final String serial;
    private final Map<Channel, Session> open = new LinkedHashMap<>();

    Sessions(AuditSink audit, Clock clock, Duration serviceTimeout, String serial) {
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
        this.serviceTimeout = requireNonNull(serviceTimeout, "serviceTimeout");
        this.serial = serial;
    }

    /**
     * Handles a {@code CONNECT}: decide, then dial and relay or refuse. {@code policy} is asked again once the service
     * answered, so a ticket disconnected meanwhile does not get its session.
     */
    void open(Http2StreamChannel stream, StreamRequest request, SessionInfo info, Supplier<StreamPolicy> policy) {
        assert stream.eventLoop().inEventLoop();
        AccessVerdict<StreamTarget> verdict = decide(policy.get(), request);
        if (!verdict.allowed()) {
            refuse(stream, info, verdict);
            return;
        }
        StreamTarget allowed = requireNonNull(verdict.value(), "an allowed verdict has its value");
        // nothing is dialled before stream.opened is durable: a session the log cannot record never reaches the service
        openAudited(
                stream,
                info,
                "service " + allowed.service(),
                () -> {
                    if (!stream.isActive()) {
                        closedBeforeOpened(info);
                        return;
                    }
                    dial(stream, request, info, policy, allowed);
                },
                () -> {});
    }

    /**
     * Dials the service of a session whose {@code stream.opened} is durable, then relays; a service that is down is
     * answered 502, audited {@code stream.refused} and {@code stream.closed} (the session was opened).
     */
    private void dial(
            Http2StreamChannel stream,
            StreamRequest request,
            SessionInfo info,
            Supplier<StreamPolicy> policy,
            StreamTarget allowed) {
        new Bootstrap()
                .group(stream.eventLoop())
                .channel(Transports.socketChannel(stream.eventLoop()))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) serviceTimeout.toMillis())
                .handler(new HeldInput()) // what epoll reads before the relay (a service that writes and closes)
                .connect(allowed.address())
                .addListener((ChannelFuture connected) -> {
                    if (!connected.isSuccess()) {
                        String reason = serviceDown(allowed, connected.cause());
                        refuse(stream, info, 502, reason, ApplianceAuditEvent.FAILURE);
                        closedUnstarted(info, reason);
                        return;
                    }
                    Channel socket = connected.channel();
                    if (!stream.isActive()) {
                        socket.close();
                        closedUnstarted(info, "the server closed the stream before the service answered");
                        return;
                    }
                    AccessVerdict<StreamTarget> again = decide(policy.get(), request);
                    if (!again.allowed()) {
                        socket.close();
                        refuse(stream, info, again);
                        closedUnstarted(info, requireNonNull(again.reason(), "a refusal has a reason"));
                        return;
                    }
                    // not a byte is read from either side before this point: the relay starts with the session
                    relayAudited(stream, socket, request, info, allowed);
                });
    }

    /** A CONNECT whose {@code stream.opened} was written but whose relay never started: audited as closed. */
    private void closedUnstarted(SessionInfo info, String reason) {
        audit(info.event(EventType.STREAM_CLOSED).failed(reason).build());
    }

    private void relayAudited(
            Http2StreamChannel stream, Channel socket, StreamRequest request, SessionInfo info, StreamTarget allowed) {
        assert stream.eventLoop().inEventLoop();
        String session = info.id();
        String target = info.target();
        Session opened = new Session(info, request.port(), clock.instant(), stream, socket, null);
        open.put(stream, opened);
        log.info(
                "appliance {} ticket {} session {}: stream to {} ({}) opened",
                serial,
                request.ticket(),
                session,
                target,
                allowed.service());
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        opened.relay = Relay.start(stream, socket);
        opened.relay.finished().addListener(done -> {
            open.remove(stream);
            Relay.Outcome outcome = (Relay.Outcome) done.getNow();
            String why = opened.closeReason != null ? opened.closeReason : outcome.reason();
            long toService = outcome == null ? 0 : outcome.bytesFirstToSecond();
            long fromService = outcome == null ? 0 : outcome.bytesSecondToFirst();
            log.info(
                    "appliance {} ticket {} session {}: stream to {} closed ({}): {} bytes to the service, {} bytes back",
                    serial,
                    request.ticket(),
                    session,
                    target,
                    why,
                    toService,
                    fromService);
            audit(info.event(EventType.STREAM_CLOSED)
                    .reason(why)
                    .bytes(toService, fromService)
                    .detail(
                            "durationMs",
                            Duration.between(opened.opened, clock.instant()).toMillis())
                    .build());
        });
    }

    /**
     * Audits a session's start without blocking the loop, then runs {@code opened} on the stream's loop once
     * {@code stream.opened} is durable. When the audit log cannot be written the stream is answered 503
     * ({@value #AUDIT_UNAVAILABLE}) and {@code refused} run instead: no session without its record.
     */
    void openAudited(Http2StreamChannel stream, SessionInfo info, String reason, Runnable opened, Runnable refused) {
        assert stream.eventLoop().inEventLoop();
        audit.submit(info.event(EventType.STREAM_OPENED).reason(reason).build())
                .whenComplete((written, failure) -> stream.eventLoop().execute(() -> {
                    if (failure == null) {
                        opened.run();
                        return;
                    }
                    log.error(
                            "appliance {}: cannot audit {}, refusing it: {}",
                            serial,
                            info.describe(),
                            OneLine.of(String.valueOf(unwrap(failure).getMessage())));
                    refused.run();
                    audit(info.event(EventType.STREAM_REFUSED)
                            .detail("status", 503)
                            .failed(AUDIT_UNAVAILABLE)
                            .build());
                    StreamRequestHandler.respond(stream, 503, AUDIT_UNAVAILABLE);
                }));
    }

    /** A session whose stream.opened was written but whose stream closed before it started: audited as closed. */
    void closedBeforeOpened(SessionInfo info) {
        audit(info.event(EventType.STREAM_CLOSED)
                .failed("the server closed the stream before the session started")
                .build());
    }

    /** What failed inside a {@link java.util.concurrent.CompletionException}. */
    static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
    }

    /**
     * Registers a session that is not a relay (a command, a file transfer) so the kill switch, a disconnected ticket or
     * a revoked token close it: {@code stop} is run then (kill the process, abandon the transfer). Closing its stream
     * closes it too.
     */
    Session track(Http2StreamChannel stream, SessionInfo info, @Nullable Runnable stop) {
        assert stream.eventLoop().inEventLoop();
        Session session = new Session(info, 0, clock.instant(), stream, null, stop);
        open.put(stream, session);
        stream.closeFuture().addListener(closed -> {
            if (open.get(stream) == session) {
                session.close("the stream closed");
            }
        });
        return session;
    }

    /** A tracked session is over: unregistered and audited ({@code stream.closed}). */
    void finished(Session session, long toAppliance, long fromAppliance, String reason, boolean complete) {
        assert session.stream.eventLoop().inEventLoop();
        open.remove(session.stream, session);
        String why = session.closeReason != null ? session.closeReason : reason;
        log.info(
                "appliance {}: {} ended ({}): {} bytes in, {} bytes out",
                serial,
                session.info.describe(),
                why,
                toAppliance,
                fromAppliance);
        ApplianceAuditEvent.Builder event = session.info
                .event(EventType.STREAM_CLOSED)
                .bytes(toAppliance, fromAppliance)
                .detail(
                        "durationMs",
                        Duration.between(session.opened, clock.instant()).toMillis());
        audit((complete && session.closeReason == null ? event.reason(why) : event.failed(why)).build());
    }

    /**
     * Refuses a session request on a policy's verdict: the event the verdict calls for (e.g. {@code token.refused}) is
     * audited, then {@code stream.refused}, then the stream is answered with the verdict's status and reason.
     */
    void refuse(Http2StreamChannel stream, SessionInfo info, AccessVerdict<?> verdict) {
        assert stream.eventLoop().inEventLoop();
        if (verdict.event() != null) {
            ApplianceAuditEvent.Builder event = info.event(verdict.event());
            verdict.details().forEach(event::detail);
            audit(event.refused(requireNonNull(verdict.reason(), "a refusal has a reason"))
                    .build());
        }
        refuse(
                stream,
                info,
                verdict.status(),
                requireNonNull(verdict.reason(), "a refusal has a reason"),
                ApplianceAuditEvent.REFUSED);
    }

    /**
     * Refuses a session request: audited ({@code stream.refused}) first, then answered with {@code status} once the
     * record is durable (or could not be written now: it is then retried, and the refusal is not held back).
     */
    void refuse(Http2StreamChannel stream, SessionInfo info, int status, String reason, String outcome) {
        log.warn("appliance {}: {} refused ({}): {}", serial, info.describe(), status, reason);
        ApplianceAuditEvent.Builder event = info.event(EventType.STREAM_REFUSED).detail("status", status);
        ApplianceAuditEvent refusal = ApplianceAuditEvent.FAILURE.equals(outcome)
                ? event.failed(reason).build()
                : event.refused(reason).build();
        audit.submit(refusal)
                .whenComplete((written, failure) -> stream.eventLoop().execute(() -> {
                    if (failure != null) {
                        audit(refusal);
                    }
                    StreamRequestHandler.respond(stream, status, reason); // after the audit record is written
                }));
    }

    private static AccessVerdict<StreamTarget> decide(StreamPolicy policy, StreamRequest request) {
        try {
            return requireNonNull(policy.decide(request), "decision");
        } catch (RuntimeException e) {
            return AccessVerdict.deny(403, "policy-failed", "the stream policy failed: " + OneLine.of(e.getMessage()));
        }
    }

    private String serviceDown(StreamTarget allowed, Throwable cause) {
        String service =
                "service " + allowed.service() + " on port " + allowed.address().getPort();
        if (cause instanceof ConnectTimeoutException) {
            return service + " did not answer within " + Durations.format(serviceTimeout);
        }
        if (cause instanceof ConnectException) {
            return service + " is not running";
        }
        return service + " cannot be reached: " + OneLine.of(cause.getMessage());
    }

    /**
     * Audits an event that follows what happened (a session closed, a command run, a refusal): handed to the audit
     * log's writer, retried until it is durable, never dropped; the loop does not wait for it. The returned future
     * completes (never exceptionally) once the record is durable or has failed for good, for an answer that must
     * only be sent once its record is there.
     */
    CompletableFuture<Void> audit(ApplianceAuditEvent event) {
        return audit.submitRetried(event).handle((written, failure) -> {
            if (failure != null) {
                log.error(
                        "appliance {}: cannot write the audit event {}: {}",
                        serial,
                        event.type().eventName(),
                        unwrap(failure).getMessage());
            }
            return null;
        });
    }

    int count(String ticket) {
        int n = 0;
        for (Session session : open.values()) {
            if (session.ticket.equals(ticket)) {
                n++;
            }
        }
        return n;
    }

    int size() {
        return open.size();
    }

    /** The open sessions as the admin sees them, oldest first. */
    List<OpenSession> snapshot() {
        List<OpenSession> rows = new ArrayList<>();
        for (Session session : open.values()) {
            Relay relay = session.relay;
            rows.add(new OpenSession(
                    session.id,
                    session.ticket,
                    session.info.engineer(),
                    session.info.engineerName(),
                    session.info.kind().label,
                    session.target,
                    session.opened.toString(),
                    relay == null ? 0 : relay.bytesFirstToSecond(),
                    relay == null ? 0 : relay.bytesSecondToFirst()));
        }
        return rows;
    }

    /** The open session with the server's id {@code id}, or null. */
    @Nullable
    Session find(String id) {
        for (Session session : open.values()) {
            if (session.id.equals(id)) {
                return session;
            }
        }
        return null;
    }

    /** Closes every session matching {@code which}, recording {@code reason} as why. */
    void close(Predicate<Session> which, String reason) {
        List<Session> closing = new ArrayList<>();
        for (Session session : open.values()) {
            if (which.test(session)) {
                closing.add(session);
            }
        }
        closing.forEach(session -> session.close(reason));
    }

    void closeAll(String reason) {
        close(session -> true, reason);
    }
}
